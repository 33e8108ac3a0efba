"""Gapless per-unit, per-year registers of numbers (số sổ), as offices keep them.

A register is a counter model with `unit`, `year` and `last_number` and a unique constraint on
(unit, year): commendations.RegisterCounter numbers the awardees of a unit's decisions,
awards.LetterCounter its submission letters (tờ trình). `take_numbers` locks the counter's row
until the caller's transaction ends, so that concurrent callers take turns: no gap, no number
twice, and a rolled-back transaction gives its numbers back.
"""

from django.db import IntegrityError, transaction


def take_numbers(counter_model, *, unit, year, count=1):
    """`count` consecutive numbers of `unit`'s register of `year`: (first, last). Call it inside
    the transaction that uses them."""
    try:
        with transaction.atomic():
            counter_model.objects.get_or_create(unit=unit, year=year)
    except IntegrityError:  # created by a concurrent caller between our read and our insert
        pass
    counter = counter_model.objects.select_for_update().get(unit=unit, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return first, counter.last_number
