"""The house's layers, drawn from the imports themselves (README: "How the code is laid out").

ground (onestop) < core (cases) < features < web (desk < portal) and demo. A module imports
only its own app and the layers below it; a feature imports no other feature but through a
documented seam; `onestop/urls.py` alone of the ground knows every app. No two modules
import each other, directly or in a longer circle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GROUND, CORE = "onestop", "cases"
FEATURES = {"payments", "notifications", "documents", "reports", "nationalid", "feedback", "dvcqg"}
WEB = {"desk", "portal"}
DEMO = {"demo"}
APPS = {GROUND, CORE} | FEATURES | WEB | DEMO

# What each app may import besides itself.
MAY_IMPORT = {
    GROUND: set(),
    CORE: {GROUND},
    **{feature: {GROUND, CORE} for feature in FEATURES},
    "desk": {GROUND, CORE} | FEATURES,
    "portal": {GROUND, CORE, "desk"} | FEATURES,  # the citizen's view of the case page
    "demo": {GROUND, CORE} | FEATURES,
}
# The documented seams between features (README), module by module.
SEAMS = {"reports.sources"}
# The one module of the ground that knows every app, as URLconfs do.
KNOWS_EVERY_APP = {"onestop.urls"}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The modules of ours that `name` imports (anywhere in it, functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            # `from x import y`: y is a module of x, or a name defined in x.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] in APPS and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_app_imports_only_the_layers_below_it_or_a_documented_seam():
    wrong = []
    for name, imported in GRAPH.items():
        app = name.split(".")[0]
        if name in KNOWS_EVERY_APP:
            continue
        for target in imported:
            other = target.split(".")[0]
            if other == app or other in MAY_IMPORT[app]:
                continue
            if app in FEATURES and any(target == s or target.startswith(s + ".") for s in SEAMS):
                continue
            wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_the_case_core_imports_no_other_app_of_ours():
    core = {t.split(".")[0] for n, ts in GRAPH.items() if n.startswith("cases") for t in ts}
    assert core <= {CORE, GROUND}


def test_no_modules_import_each_other_in_a_circle():
    # Tarjan's strongly connected components: any component of more than one module is
    # a circle. (A package importing its own modules to re-export them is no circle.)
    index, low, on_stack, stack, circles = {}, {}, set(), [], []

    def edges(name):
        return [t for t in GRAPH[name] if not name.startswith(t + ".")]

    def visit(name):
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in edges(name):
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert circles == []


@pytest.mark.parametrize(
    "snippet, wrong",
    [
        ("from payments import selectors", True),  # the core reaching up to a feature
        ("from cases import seams", False),
    ],
)
def test_the_layer_check_sees_an_import_that_runs_up(tmp_path, snippet, wrong):
    """The check itself: an upward import written into a core module is caught."""
    path = tmp_path / "probe.py"
    path.write_text(snippet + "\n")
    imported = _imports("cases.probe", path)
    upward = {t for t in imported if t.split(".")[0] not in MAY_IMPORT[CORE] | {CORE}}
    assert bool(upward) == wrong


def test_no_view_reads_a_case_by_itself():
    """Who may see a case is `cases.selectors`' rule (`visible_case_or_404`,
    `cases_visible_to`): a page or an API view never reads a case straight from the model
    (Zulip's custom lint rules do the same)."""
    offending = []
    for name, path in MODULES.items():
        is_view = name.split(".")[-1] in {"views", "api"} or name.split(".")[0] in WEB
        if not is_view:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "Case.objects.get(" in line or "get_object_or_404(Case" in line:
                offending.append(f"{name}:{number}")
    assert offending == []
