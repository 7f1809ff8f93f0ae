"""Rule packs: YAML files of rules, loaded with line numbers and validated before any run.

A broken pack stops the run with `file:line: message`; nothing is checked with half a pack.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema, terms
from .categories import is_category
from .frontmatter import language

if TYPE_CHECKING:  # YAML and `regex` are imported when a pack is read or a pattern compiled:
    import regex   # a run whose packs come from the cache does neither
    import yaml


@functools.lru_cache(maxsize=None)
def compile_regex(pattern: str) -> regex.Pattern:
    """Compiled once per process: pack validation and matching share it."""
    import regex

    return regex.compile(pattern)


class PackError(Exception):
    """A rule pack that cannot be used, located at `path:line`."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


# --- YAML with line numbers --------------------------------------------------------------


class LineDict(dict):
    line = 1
    key_lines: dict


class LineList(list):
    line = 1
    item_lines: list


@functools.cache
def _loader() -> type:
    """YAML's safe loader (its C parser when built) that keeps line numbers."""
    import yaml

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        pass

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
    return _Loader


def _mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise PackError(loader.name, key_node.start_mark.line + 1, f"duplicate key '{key}'")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def read_yaml(path: str, text: str | None = None, digests: dict[str, str] | None = None
              ) -> Any:
    """`digests`: gets the sha256 of the bytes read, by path."""
    if text is None:
        try:
            data = Path(path).read_bytes()
            text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except OSError as exc:
            raise PackError(path, 1, f"cannot read rule pack: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:  # packs are UTF-8: say where they are not
            raise PackError(path, data[: exc.start].count(b"\n") + 1,
                            f"rule pack is not UTF-8 (byte {exc.object[exc.start]:#04x}); "
                            f"save it as UTF-8") from None
        if digests is not None:
            digests[path] = hashlib.sha256(data).hexdigest()
    import yaml

    loader = _loader()(text)
    loader.name = path
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PackError(path, (mark.line + 1) if mark else 1,
                        f"not valid YAML: {exc.problem or exc}") from None
    finally:
        loader.dispose()


# --- the model ------------------------------------------------------------------------------


@dataclass
class Example:
    text: str
    meta: dict
    line: int


@dataclass
class Rule:
    id: str
    kind: str
    category: str
    severity: str
    message: dict[str, str]
    rationale: str
    citations: list[str]
    suggestion: dict[str, str]
    when: dict[str, list]
    spec: dict                      # the kind's own fields, as written
    bad: list[Example]
    good: list[Example]
    pack: "Pack"
    line: int
    compiled: dict = field(default_factory=dict)  # per language, filled on first use
    terms_used: set = field(default_factory=set)  # names of the term sets it refers to

    def text(self, field_: dict[str, str], lang: str) -> str:
        """A message or suggestion in the script's language, falling back to English."""
        return field_.get(lang) or field_.get("en") or next(iter(field_.values()), "")

    @property
    def location(self) -> str:
        return f"{self.pack.path}:{self.line}"


@dataclass
class Pack:
    name: str
    version: str
    description: str
    locale: list[str]
    jurisdiction: list[str]
    references: dict[str, dict]
    rules: list[Rule]
    path: str
    terms: dict[str, list[str]] = field(default_factory=dict)   # every set it can use, resolved
    own_terms: list[str] = field(default_factory=list)          # the sets it defines itself
    exceptions: dict[str, dict] = field(default_factory=dict)   # named exceptions it can use
    exception_terms: dict[str, list[str]] = field(default_factory=dict)  # the sets each uses
    term_lines: dict[str, int] = field(default_factory=dict)
    term_layers: list = field(default_factory=list)   # raw `terms:` of its bases, then its own

    def applies_to(self, lang: str | None, jurisdiction: str | None) -> bool:
        if self.locale and lang not in self.locale:
            return False
        return not self.jurisdiction or jurisdiction is None or \
            str(jurisdiction).upper() in self.jurisdiction


def _lang_text(value) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value, "zh": value}
    return {str(k): str(v) for k, v in value.items()}


def _unfold(text: str) -> str:
    """A folded YAML paragraph joins its lines with a space; Chinese needs none."""
    import regex

    wide = "\u3000-\u9fff\uff00-\uffef"
    return regex.sub(rf"(?<=[{wide}])\s+(?=[{wide}])", "", text.strip())


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _examples(raw, line: int) -> list[Example]:
    out = []
    lines = getattr(raw, "item_lines", [])
    for i, item in enumerate(raw or []):
        at = lines[i] if i < len(lines) else line
        if isinstance(item, str):
            out.append(Example(item, {}, at))
        else:
            out.append(Example(item["text"], dict(item.get("meta") or {}), at))
    return out


def parse_pack(data: Any, path: str, bases: list["Pack"] | None = None) -> Pack:
    """Validate a loaded YAML document and build the pack, or raise PackError. `bases` are
    the packs it extends: their term sets and named exceptions are visible in it."""
    if not isinstance(data, dict):
        raise PackError(path, 1, "a rule pack must be a mapping with 'name' and 'rules'")
    problems = schema.validate(data, schema.PACK, "pack", getattr(data, "line", 1))
    if problems:
        line, message = problems[0]
        raise PackError(path, line, message)
    references = {str(k): dict(v) for k, v in (data.get("references") or {}).items()}
    pack = Pack(
        name=data["name"], version=str(data.get("version", "0")),
        description=data.get("description", ""),
        locale=[language(x) for x in _as_list(data.get("locale"))],
        jurisdiction=[str(x).upper() for x in _as_list(data.get("jurisdiction"))],
        references=references, rules=[], path=path)
    for base in reversed(bases or []):   # the first pack named in `extends` wins
        for layer in base.term_layers:
            if all(layer[0] is not mine[0] for mine in pack.term_layers):
                pack.term_layers.append(layer)
        pack.exceptions.update(base.exceptions)
        pack.exception_terms.update(base.exception_terms)
    raw_terms = data.get("terms") or {}
    pack.term_layers.append((raw_terms, path))
    pack.terms = terms.resolve(pack.term_layers)
    pack.own_terms = list(raw_terms)
    pack.term_lines = dict(getattr(raw_terms, "key_lines", {}))
    for name, raw in (data.get("exceptions") or {}).items():
        used: set[str] = set()
        pack.exceptions[name] = terms.expand_unless(raw, pack.terms, path, used,
                                                    where=f"exceptions.{name}")
        pack.exception_terms[name] = sorted(used)
    seen: dict[str, int] = {}
    for raw, line in zip(data["rules"], getattr(data["rules"], "item_lines", [])):
        rule = _rule(raw, line, pack)
        if rule.id in seen:
            raise PackError(path, line, f"rule id {rule.id} is used twice (first at line {seen[rule.id]})")
        seen[rule.id] = line
        pack.rules.append(rule)
    return pack


def _rule(raw: dict, line: int, pack: Pack) -> Rule:
    path = pack.path
    lines = raw.key_lines
    kind = raw["kind"]
    for key in raw:
        if key in schema.KIND_FIELDS_ALL and key not in schema.KIND_FIELDS[kind]:
            raise PackError(path, lines[key], f"rule {raw['id']}: field '{key}' is not used by "
                                              f"kind '{kind}' (it takes: "
                                              f"{', '.join(sorted(schema.KIND_FIELDS[kind]))})")
    for key in schema.KIND_REQUIRED[kind]:
        if key not in raw:
            raise PackError(path, line, f"rule {raw['id']}: kind '{kind}' needs field '{key}'")
    if not is_category(raw["category"]):
        raise PackError(path, lines["category"], f"rule {raw['id']}: unknown category "
                                                 f"'{raw['category']}' (see DESIGN.md's list, "
                                                 f"or prefix house categories with x-)")
    for i, cite in enumerate(raw.get("citations") or []):
        if cite not in pack.references:
            at = raw["citations"].item_lines[i]
            raise PackError(path, at, f"rule {raw['id']}: citation '{cite}' is not in this "
                                      f"pack's references")
    _check_patterns(raw, path)
    spec = {k: v for k, v in raw.items() if k in schema.KIND_FIELDS_ALL or k == "applies_if"}
    spec, used = terms.expand_rule(spec, pack, raw["id"])
    examples = raw.get("examples") or {}
    return Rule(
        id=raw["id"], kind=kind, category=raw["category"], severity=raw["severity"],
        message=_lang_text(raw["message"]), rationale=_unfold(str(raw.get("rationale", ""))),
        citations=list(raw.get("citations") or []),
        suggestion=_lang_text(raw.get("suggestion")),
        when={k: _as_list(v) for k, v in (raw.get("when") or {}).items()},
        spec=spec, terms_used=used,
        bad=_examples(examples.get("bad"), line), good=_examples(examples.get("good"), line),
        pack=pack, line=line)


def _check_patterns(raw: dict, path: str) -> None:
    """Regular expressions must compile; say where they do not."""
    import regex

    def check(pattern: str, at: int) -> None:
        try:
            compile_regex(pattern)
        except regex.error as exc:
            raise PackError(path, at, f"rule {raw['id']}: bad regular expression "
                                      f"{pattern!r}: {exc}") from None

    def alternatives(value) -> list:
        found = []
        for alt in value or []:
            found.append(alt)
            frame = alt.get("frame")
            parts = frame.get("parts", []) if isinstance(frame, dict) else frame or []
            found += [p for p in parts if isinstance(p, dict)]
        return found

    lists = [raw.get("match"), raw.get("before")]
    lists += [alts for item in raw.get("applies_if") or [] for alts in item.values()]
    for alt in [a for value in lists for a in alternatives(value)]:
        for i, pattern in enumerate(alt.get("regex") or []):
            check(pattern, alt["regex"].item_lines[i])
    for item in raw.get("replace") or []:
        if "regex" in item:
            check(item["regex"], item.key_lines["regex"])


# --- finding packs ------------------------------------------------------------------------------


def builtin_dir() -> Path:
    """The built-in packs: a source checkout's own `rules/` first (so a work tree checks with
    the packs beside its code), else the copy installed inside the package."""
    beside = Path(__file__).resolve().parent.parent / "rules"
    if (beside / "__init__.py").is_file() and any(beside.glob("*.yaml")):
        return beside
    try:
        from importlib.resources import files

        found = Path(str(files("scriptcheck.rules")))
        if found.is_dir():
            return found
    except (ModuleNotFoundError, TypeError):
        pass
    return beside


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def _entry_point_paths() -> dict[str, str]:
    """Packs that installed packages offer under the `scriptcheck.packs` entry point group:
    each entry point is a path, or a callable returning one or several paths."""
    from importlib.metadata import entry_points

    found: dict[str, str] = {}
    for ep in entry_points(group="scriptcheck.packs"):
        target = ep.load()
        paths = target() if callable(target) else target
        for p in _as_list(paths if not isinstance(paths, (str, os.PathLike)) else [paths]):
            found[Path(p).stem] = str(p)
        found.setdefault(ep.name, str(_as_list(paths)[0]) if paths else "")
    return found


def locate(spec: str) -> str:
    """A pack name (built-in or installed) or a path -> the YAML file's path."""
    if os.path.sep in spec or spec.endswith((".yaml", ".yml")) or os.path.exists(spec):
        return spec
    candidate = builtin_dir() / f"{spec}.yaml"
    if candidate.is_file():
        return str(candidate)
    installed = _entry_point_paths()
    if spec in installed:
        return installed[spec]
    names = ", ".join(builtin_names() + sorted(installed))
    raise PackError(spec, 0, f"no rule pack named '{spec}' (built-in: {names})")


@dataclass
class Loading:
    """One `load_all`: every pack file read, validated and built once, however many packs
    extend it, and what was read (for the validated-pack cache)."""

    packs: dict[str, list[Pack]] = field(default_factory=dict)   # path -> the pack and its bases
    files: dict[str, str] = field(default_factory=dict)          # path -> sha256 of its bytes
    located: dict[str, str] = field(default_factory=dict)        # name or path -> file


def load(spec: str, _seen: tuple[str, ...] = (), _loading: Loading | None = None) -> list[Pack]:
    """A pack and the packs it extends (with their overrides applied), first the pack itself.
    Packs already built in this `Loading` are shared, never changed: overrides make copies."""
    loading = _loading or Loading()
    path = loading.located[spec] = locate(spec)
    if path in loading.packs:
        return loading.packs[path]
    data = read_yaml(path, digests=loading.files)
    own = data.get("name") if isinstance(data, dict) else None
    bases: list[tuple[Any, list[Pack]]] = []
    for item in (data.get("extends") or []) if isinstance(data, dict) else []:
        name = item if isinstance(item, str) else item.get("pack") if isinstance(item, dict) else None
        if not isinstance(name, str):
            break   # the schema check below says what is wrong
        if name in _seen or name == own:
            raise PackError(path, data.key_lines["extends"], f"packs extend each other: {name}")
        bases.append((item, load(name, _seen + (str(own),), loading)))
    pack = parse_pack(data, path, [b for _, loaded in bases for b in loaded])
    result = [pack]
    for item, base in bases:
        name = item if isinstance(item, str) else item["pack"]
        overrides = {} if isinstance(item, str) else (item.get("overrides") or {})
        known = {r.id for b in base for r in b.rules}
        for rule_id in overrides:
            if rule_id not in known:
                raise PackError(path, item["overrides"].key_lines[rule_id],
                                f"override for unknown rule {rule_id} of pack {name}")
        result.extend(_overridden(b, overrides) if any(r.id in overrides for r in b.rules)
                      else b for b in base)
    loading.packs[path] = result
    return result


def _overridden(pack: Pack, overrides: dict) -> Pack:
    """A copy of a base pack with an extending pack's overrides (re-graded or disabled rules);
    the base itself stays as written for every other pack that extends it."""
    copy = dataclasses.replace(pack, rules=[])
    for rule in pack.rules:
        change = overrides.get(rule.id) or {}
        if not change.get("disabled"):
            copy.rules.append(dataclasses.replace(
                rule, pack=copy, compiled={}, severity=change.get("severity", rule.severity)))
    return copy


def load_all(specs: list[str], loading: Loading | None = None) -> list[Pack]:
    """Several packs, with rule ids unique across all of them."""
    loading = loading or Loading()
    packs: list[Pack] = []
    names = set()
    for spec in specs:
        for pack in load(spec, _loading=loading):
            if pack.name not in names:
                names.add(pack.name)
                packs.append(pack)
    owner: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in owner:
                raise PackError(pack.path, rule.line, f"rule id {rule.id} is already used by "
                                                      f"{owner[rule.id].location}")
            owner[rule.id] = rule
    return packs
