"""Numbers a chapter's prose quotes from elsewhere, with where from (see ``tests/prose_numbers.py``).

Everything else with a decimal point in a chapter's prose must be printed by the chapter or set in its code.
"""

QUOTED = {
    "01_three_ways_to_pool": {},
    "02_pooling_and_shrinkage": {},
    "03_radon": {},
    "04_varying_slopes": {},
    "05_schools": {},
}
