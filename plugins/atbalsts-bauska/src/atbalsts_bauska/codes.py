"""Bauska's local codes, namespaced ``bauska:``, with Latvian and English labels."""

from __future__ import annotations

from atbalsts.codes import Code

REQUEST_MEDICAL_NOTE = "bauska:request_medical_note"

ACTIONS = (
    Code(
        REQUEST_MEDICAL_NOTE,
        "Pieprasīt ārsta vai ārstniecības iestādes izziņu par kavējumu",
        "Ask for a doctor's or medical institution's note for the absence",
        source="[S7]",
    ),
)
