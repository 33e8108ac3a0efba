"""Demo movements, rounds and criteria (filled by the movements work)."""


def seed(stdout):
    pass
