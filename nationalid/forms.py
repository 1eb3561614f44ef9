"""What the portal's forms take from the national identity."""

from .selectors import applicant_prefill


def prefill_applicant_form(form, user) -> None:
    """Fill an applicant form (fields `full_name`, `id_number`, `phone`, `email`,
    `address`) from the user's national identity, and lock the ID number when it is
    proven: a disabled field ignores what is posted and keeps the identity's number. Call
    it on the form as built for GET and for POST alike."""
    prefill = applicant_prefill(user)
    if not prefill:
        return
    locked = prefill.pop("id_number_locked")
    for name, value in prefill.items():
        if name in form.fields and value:
            form.initial.setdefault(name, value)
    if locked and "id_number" in form.fields:
        form.initial["id_number"] = prefill["id_number"]
        form.fields["id_number"].disabled = True
