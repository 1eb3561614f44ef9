"""Demo ratings: some returned demo cases rated by their applicants, as in the seed (98%)."""

import random
from datetime import timedelta

from django.utils import timezone

from cases.models import Case, Status
from reports.models import Rating, RatingValue

COMMENTS = {
    RatingValue.VERY_SATISFIED: ["Cán bộ hướng dẫn tận tình", "Nhận kết quả trước hẹn", ""],
    RatingValue.SATISFIED: ["Thủ tục nhanh gọn", ""],
    RatingValue.NOT_SATISFIED: ["Phải bổ sung giấy tờ nhiều lần"],
}


def build_ratings(*, seed: int = 2026, share: float = 0.45) -> int:
    """Rate a share of the returned cases not rated yet; the same ones on every run."""
    rng = random.Random(f"{seed}-ratings")
    now = timezone.now()
    ratings = []
    returned = Case.objects.filter(status=Status.RETURNED, rating__isnull=True).order_by("pk")
    for case in returned:
        if rng.random() >= share:
            continue
        value = rng.choices(
            [RatingValue.VERY_SATISFIED, RatingValue.SATISFIED, RatingValue.NOT_SATISFIED],
            [60, 36, 4],
        )[0]
        ratings.append(
            Rating(
                case=case,
                value=value,
                comment=rng.choice(COMMENTS[value]),
                created_at=min(case.returned_at + timedelta(hours=rng.randrange(1, 48)), now),
            )
        )
    Rating.objects.bulk_create(ratings)
    return len(ratings)
