"""Reads of the reports app that other outputs show (through `cases.seams`)."""


def rating_of(case) -> dict | None:
    """The applicant's rating of a case as the public lookup shows it; None when not rated
    (the reverse one-to-one, joined by the lookup's read: `related=["rating"]`)."""
    rating = getattr(case, "rating", None)
    if rating is None:
        return None
    return {"rating": rating.value, "comment": rating.comment, "created_at": rating.created_at}
