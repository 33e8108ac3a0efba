"""Demo award kinds, registrations and nominations (filled by the awards work)."""


def seed(stdout):
    pass
