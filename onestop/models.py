from django.db import models


class FormClaim(models.Model):
    """A form's one-time token, claimed by its first post; the answer a repeat gets."""

    key = models.CharField(max_length=64, primary_key=True)
    answer = models.TextField()
    claimed_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key
