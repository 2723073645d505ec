"""Numbers a chapter's prose quotes from elsewhere, with where from (see ``tests/prose_numbers.py``).

Everything else with a decimal point in a chapter's prose must be printed by the chapter or set in its code.
"""

QUOTED = {
    "01_three_ways_to_pool": {
        "1.01": "the r_hat threshold of Vehtari et al. (2021), which models.diagnostics applies",
        "2.5": "the factor Bambi's default priors scale the data's sds by (Bambi's documentation)",
        "5.6626895": "the lesson's lmer fixed effect (Intercept), printed to 7 digits",
        "0.2339056": "the lesson's lmer fixed effect (size), printed to 7 digits",
    },
    "02_pooling_and_shrinkage": {
        "1.01": "the r_hat threshold of Vehtari et al. (2021), which models.diagnostics applies",
    },
    "03_radon": {
        "0.3436": "the lesson's lmer output: sd of the county floor slopes",
        "2.5": "the factor Bambi's default priors scale the data's sds by (Bambi's documentation)",
    },
    "04_varying_slopes": {
        "1.18": "the lesson's precis of its gapminder model: sigma_a",
        "0.065": "the lesson's precis of its gapminder model: sigma_b (on a year scale it does not show)",
    },
    "05_schools": {},
    "06_can_we_trust_the_fit": {
        "2.5": "the sd of the model's prior on a_bar, set in course_lib.recovery.intercepts_fitter",
        "1.645": "the standard normal's 95% quantile: a 90% Wald interval is estimate ± 1.645 se",
        "10.1214": "the DOI prefix of Modrák et al. (2025) in the references",
        "10.1007": "the DOI prefix of Säilynoja, Bürkner and Vehtari (2022) in the references",
        "1804.06788": "the arXiv number of Talts et al. (2018) in the references",
    },
}
