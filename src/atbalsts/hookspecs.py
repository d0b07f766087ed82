"""The plugin contract: the ``atbalsts_*`` hooks a policy plugin implements.

Hooks are register-callbacks: the host hands the plugin a registrar, and the plugin declares what
it brings on it. The host keeps duplicate checks, provenance and error messages in one place. The
built-in national baseline is a plugin on these same hooks.

A plugin is found through the entry-point group ``atbalsts``::

    [project.entry-points.atbalsts]
    bauska = "atbalsts_bauska.plugin"

and implements hooks with ``from atbalsts import hookimpl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atbalsts._markers import hookspec

if TYPE_CHECKING:
    from atbalsts.policy import CodeRegistrar, PolicyRegistrar

__all__ = ["atbalsts_register_codes", "atbalsts_register_policy"]


@hookspec
def atbalsts_register_policy(registrar: PolicyRegistrar) -> None:
    """Declare a policy: its metadata, rules and dated parameters.

    Call :meth:`~atbalsts.policy.PolicyRegistrar.policy` once with the policy's metadata, then
    :meth:`~atbalsts.policy.PolicyRegistrar.rules` and
    :meth:`~atbalsts.policy.PolicyRegistrar.parameters_toml`. Everything a plugin declares is
    taken whole or, if the hook raises, not at all: the failure is recorded and every Decision
    says it is incomplete.
    """


@hookspec
def atbalsts_register_codes(registrar: CodeRegistrar) -> None:
    """Declare local codes (a municipality's own measure, role, reason or action).

    Local codes are namespaced with the plugin's name: ``bauska:summer_camp``. They extend the
    national code lists only inside a policy set that includes the plugin.
    """
