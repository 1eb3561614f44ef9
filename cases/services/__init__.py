"""Writes of the case core (HackSoft's services), one module per concept:

- `filing`: `case_file`, a case filed at the counter (received at once) or online;
- `engine`: `case_act`, the one place that changes a case's status, and `allowed_actions`;
- `steps`: what each move of `workflow.MOVES` changes (`Step`), and who may act as the system;
- `pins`, `codes`, `scans`: the receipt's PIN, case codes, scanned documents.
"""

from .codes import issue_case_code
from .engine import action_check, allowed_actions, case_act
from .filing import case_file
from .pins import PIN_ALPHABET, PIN_LENGTH, new_pin, normalise_pin, pin_hash, pin_matches
from .scans import SCAN_TYPES, case_document_add, scan_extension, scan_media_type
from .steps import ONESTOP, STEPS, Step, SystemActor

__all__ = [
    "ONESTOP",
    "PIN_ALPHABET",
    "PIN_LENGTH",
    "SCAN_TYPES",
    "STEPS",
    "Step",
    "SystemActor",
    "action_check",
    "allowed_actions",
    "case_act",
    "case_document_add",
    "case_file",
    "issue_case_code",
    "new_pin",
    "normalise_pin",
    "pin_hash",
    "pin_matches",
    "scan_extension",
    "scan_media_type",
]
