"""The web pages of the desks and the citizen portal: thin views over services and selectors.

One module per desk (counter, officer and signer, the case page, the portal, logging in);
forms in `forms.py`. Every write goes through `cases.services`.
"""
