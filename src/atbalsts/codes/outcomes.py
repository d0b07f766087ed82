"""Reasons (why a measure is allowed or refused, why a plan has an issue, why a referral is due)
and actions (what an obligation asks for), with Latvian and English labels. Plugins add their own,
namespaced, through ``atbalsts_register_codes``.
"""

from __future__ import annotations

from atbalsts.codes._codelist import Code, CodeList

__all__ = ["ACTIONS", "REASONS"]

REASONS = CodeList.of(
    "reason",
    [
        Code(
            "in_programme_target_group",
            "Atbilst programmas mērķgrupai",
            "In the programme's target group",
        ),
        Code(
            "not_in_programme_target_group",
            "Neatbilst programmas mērķgrupai",
            "Not in the programme's target group",
        ),
        Code("measure_not_yet_available", "Pasākums vēl nav pieejams", "Measure not yet available"),
        Code(
            "mentor_eligible",
            "Mentora atbalsts pieejams (vecums un risks atbilst)",
            "Mentor support available (age and risk met)",
        ),
        Code(
            "mentor_under_min_age",
            "Izglītojamais nav sasniedzis minimālo vecumu mentora atbalstam",
            "Learner is below the minimum age for mentor support",
        ),
        Code(
            "mentor_requires_risk",
            "Mentora atbalstam nepieciešams konstatēts PMP vai sociālās atstumtības risks, vai arī "
            "par pamatizglītības apguvi saņemta tikai liecība un izglītojamais atkārtoti mācās 9. "
            "klasē vai ir uzņemts profesionālās izglītības iestādē",
            "Mentor support requires an identified PMP or social-exclusion risk, or a certificate "
            "only for basic education and repeating grade 9 or admission to a vocational school",
        ),
        Code(
            "mentor_not_trained",
            "Mentors nav apguvis izglītojamo mentora programmu",
            "The mentor has not completed the learner-mentor programme",
        ),
        Code(
            "risk_identified",
            "Atbilst: konstatēts sociālās atstumtības vai PMP risks",
            "Eligible: an identified social-exclusion or PMP risk",
        ),
        Code(
            "requires_risk_or_certificate_only",
            "Tikai izglītojamajiem ar konstatētu sociālās atstumtības vai PMP risku vai tiem, kuri "
            "par pamatizglītības apguvi saņēmuši tikai liecību un atkārtoti mācās 9. klasē vai ir "
            "uzņemti profesionālās izglītības iestādē",
            "Only for learners with an identified social-exclusion or PMP risk, or who received "
            "only a certificate for basic education and repeat grade 9 or were admitted to a "
            "vocational school",
        ),
        Code(
            "literacy_grade_in_range",
            "Lasītprasmes atbalsts pieejams šajā klasē",
            "Literacy support available in this grade",
        ),
        Code(
            "literacy_grade_out_of_range",
            "Lasītprasmes atbalsts tikai 1.-3. klasē",
            "Literacy support only in grades 1-3",
        ),
        Code(
            "certificate_only_eligible",
            "Atbilst: par pamatizglītības apguvi saņemta tikai liecība",
            "Eligible: completed grade 9 with a certificate only",
        ),
        Code(
            "certificate_only_required",
            "Tikai izglītojamajiem, kuri par pamatizglītības apguvi saņēmuši tikai liecību un "
            "atkārto 9. klasi vai mācās profesionālajā izglītībā",
            "Only for learners who completed "
            "grade 9 with a certificate only and repeat grade 9 or are in vocational education",
        ),
        Code(
            "already_funded",
            "Valsts vai pašvaldība to jau finansē (dubultā finansējuma aizliegums)",
            "Already funded by the state or municipality (no double funding)",
        ),
        Code("not_funded_elsewhere", "Netiek finansēts no citiem avotiem", "Not funded elsewhere"),
        Code(
            "plan_without_application",
            "Plānam nav parakstīta iesnieguma",
            "The plan has no signed application",
        ),
        Code(
            "adult_application_by_minor",
            "Iesniegumu kā pilngadīgs parakstījis nepilngadīgais",
            "Signed as an adult learner by a minor",
        ),
        Code(
            "application_not_by_adult_learner",
            "Pilngadīgs izglītojamais iesniegumu paraksta pats",
            "An adult learner signs their own application",
        ),
        Code(
            "plan_longer_than_term",
            "Plāns aptver vairāk nekā vienu semestri",
            "The plan covers more than one term",
        ),
        Code("approval_missing", "Trūkst apstiprinājuma", "An approval is missing"),
        Code(
            "plan_starts_outside_term",
            "Plāns nesākas savā semestrī",
            "The plan does not start in its own term",
        ),
        Code(
            "funding_programme_not_in_force",
            "Finansējuma programma šajā datumā nedarbojas",
            "The funding programme is not in force on this date",
        ),
        Code(
            "approval_out_of_order", "Apstiprinājumi nav pēc kārtas", "Approvals are out of order"
        ),
        Code(
            "unjustified_absence_over_limit",
            "Neattaisnoto kavējumu skaits pārsniedz robežu",
            "Unjustified absences over the limit",
        ),
        Code(
            "suspected_threat", "Aizdomas par apdraudējumu bērnam", "Suspected threat to the child"
        ),
    ],
)

ACTIONS = CodeList.of(
    "action",
    [
        Code("inform_parents", "Informēt vecākus", "Inform the parents"),
        Code(
            "inform_adult_learner",
            "Informēt pilngadīgo izglītojamo",
            "Inform the learner of full age",
        ),
        Code(
            "inform_carer",
            "Informēt audžuģimeni, aizbildni vai aprūpes iestādes vadītāju",
            "Inform the foster family, guardian or care-institution head",
        ),
        Code(
            "inform_municipal_education_board",
            "Informēt pašvaldības izglītības pārvaldi",
            "Inform the municipal education board",
        ),
        Code(
            "record_in_viis",
            "Reģistrēt izglītojamo VIIS",
            "Record the learner in the State Education Information System",
        ),
        Code("report_threat", "Ziņot par apdraudējumu bērnam", "Report the threat to the child"),
    ],
)
