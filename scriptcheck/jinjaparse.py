"""Jinja templates -> script trees, from Jinja's own lexer and parser.

Nothing here executes template code. Each file is lexed once to learn where every piece of
text and every `{{ ... }}` stands in the source, then parsed once; the parser's nodes are
paired in order with the lexer's tokens, so every Text and Slot of the tree carries its exact
source span. Includes, extends/blocks, macros and imports are resolved through a loader and
inlined, so a violation in a partial or a macro is seen from the script that uses it but is
located in the file where it is written.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.lexer import TokenStream

from . import frontmatter
from .limits import DEPTH_CEILING, Limits, nesting
from .notices import Notice, describe
from .model import Branch, Choice, Loop, Node, Seq, Slot, SourceFile, Span, Text
from .template import Loader, Parsed, Script, TemplateProblem, read_source


class _Lexed(Environment):
    """Jinja's environment, whose parser can read tokens lexed before: the lexer's pass that
    places text in the source is the one the parser reads (a pass instead of two)."""

    _tokens: list | None = None

    def parse_lexed(self, tokens: list, source: str, filename: str) -> nodes.Template:
        self._tokens = tokens
        try:
            return self.parse(source, filename=filename)
        finally:
            self._tokens = None

    def _tokenize(self, source, name, filename=None, state=None):
        tokens, self._tokens = self._tokens, None
        if tokens is None or state is not None or self.extensions:
            return super()._tokenize(source, name, filename, state)
        return TokenStream(self.lexer.wrap(iter(tokens), name, filename), name, filename)


def make_environment(trim_blocks: bool = False, lstrip_blocks: bool = False) -> Environment:
    # keep_trailing_newline: the lexer must see exactly the text whose offsets we report.
    return _Lexed(trim_blocks=trim_blocks, lstrip_blocks=lstrip_blocks,
                  keep_trailing_newline=True, autoescape=False)


def lex_and_parse(env: Environment, source: SourceFile, max_depth: int | None = None) -> Parsed:
    """Parse a file and map its text and expressions back to source offsets."""
    text = source.text
    limit = min(max_depth or Limits.max_depth, DEPTH_CEILING)
    try:
        tokens = list(env.lexer.tokeniter(text, source.path))
        depth, line = nesting(tokens, limit)
        if line:  # before Jinja's recursive parser runs out of stack
            raise TemplateProblem(f"nesting depth {depth} is over max-depth {limit}",
                                  source.path, line, "limit-depth",
                                  {"depth": depth, "limit": limit})
        ast = env.parse_lexed(tokens, text, source.path) if isinstance(env, _Lexed) else \
            env.parse(text, filename=source.path)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", source.path,
                              exc.lineno or 1) from None

    data_spans: list[Span] = []
    var_spans: list[Span] = []
    cond_spans: list[tuple[str, Span]] = []
    comments: list[tuple[int, str]] = []
    pos = 0
    var_start = block_start = -1
    block_words: list[tuple[str, int, int]] = []
    for lineno, kind, value in tokens:
        start = text.find(value, pos) if value else pos
        if start < 0:  # cannot happen with an unmodified lexer; fail loudly rather than guess
            raise TemplateProblem("internal error: lexer token not found in source",
                                  source.path, lineno)
        end = start + len(value)
        pos = end
        if kind == "data":
            data_spans.append(Span(source, start, end))
        elif kind == "variable_begin":
            var_start = start
        elif kind == "variable_end":
            var_spans.append(Span(source, var_start, end))
        elif kind == "comment":
            comments.append((lineno, value))
        elif kind == "block_begin":
            block_start, block_words = start, []
        elif kind == "block_end":
            if block_words and block_words[0][0] in ("if", "elif"):
                cond = text[block_words[0][2]:start].strip().rstrip("-+").strip()
                cond_spans.append((cond, Span(source, block_start, end)))
            block_start = -1
        elif kind != "whitespace" and block_start >= 0:
            block_words.append((value, start, end))

    spans: dict[int, Span] = {}
    data_iter, var_iter = iter(data_spans), iter(var_spans)
    for output in ast.find_all(nodes.Output):
        for child in output.nodes:
            span = next(data_iter if isinstance(child, nodes.TemplateData) else var_iter, None)
            if span is None:
                raise TemplateProblem("internal error: parser and lexer disagree",
                                      source.path, child.lineno)
            spans[id(child)] = span
    # find_all walks in field order (test, body, elif_, else_): the order of the tags
    conditions = {id(node): cs for node, cs in zip(ast.find_all(nodes.If), cond_spans)}

    meta = None
    if comments and not text[: text.find("{#")].strip():
        meta = frontmatter.parse(comments[0][1], comments[0][0])
    return Parsed(source, ast, spans, conditions, comments, meta)


# --- building the tree ---------------------------------------------------------------


@dataclass
class _Frame:
    parsed: Parsed
    scope: dict                                   # name -> ("macro", Parsed, Macro) | ("module", Parsed)
    blocks: dict[str, list[tuple[Parsed, nodes.Block]]]
    super_chain: list[tuple[Parsed, nodes.Block]] = field(default_factory=list)
    caller: tuple["_Frame", list[nodes.Node]] | None = None
    bindings: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _Builder:
    def __init__(self, loader: Loader, script: Script):
        self.loader = loader
        self.script = script
        self.stack: list[str] = []

    # files -------------------------------------------------------------------------
    def problem(self, message: str, parsed: Parsed, node: nodes.Node) -> None:
        self.script.problems.append(TemplateProblem(message, parsed.source.path,
                                                    getattr(node, "lineno", 1)))

    def load(self, name_node: nodes.Node, parsed: Parsed, what: str) -> Parsed | None:
        if not isinstance(name_node, nodes.Const) or not isinstance(name_node.value, str):
            self.problem(f"cannot check a {what} whose template name is computed at run time",
                         parsed, name_node)
            return None
        name = name_node.value
        path = self.loader.resolve(name, parsed.source.path)
        if path is None:
            self.problem(f"{what} not found: {name!r} (search path: "
                         f"{', '.join(self.loader.search_paths) or '.'})", parsed, name_node)
            return None
        try:
            target = self.loader.load(path)
        except TemplateProblem as problem:
            self.script.problems.append(problem)
            return None
        self.script.uses.add(target.source.path)
        return target

    def scope_of(self, parsed: Parsed) -> dict:
        scope: dict = {}
        for node in parsed.ast.body:
            self.bind(node, parsed, scope)
        return scope

    def bind(self, node: nodes.Node, parsed: Parsed, scope: dict) -> None:
        if isinstance(node, nodes.Macro):
            scope[node.name] = ("macro", parsed, node)
        elif isinstance(node, nodes.Import):
            module = self.load(node.template, parsed, "import")
            if module:
                scope[node.target] = ("module", module)
        elif isinstance(node, nodes.FromImport):
            module = self.load(node.template, parsed, "import")
            if not module:
                return
            macros = {n.name: n for n in module.ast.body if isinstance(n, nodes.Macro)}
            for item in node.names:
                name, alias = item if isinstance(item, tuple) else (item, item)
                if name in macros:
                    scope[alias] = ("macro", module, macros[name])
                else:
                    self.problem(f"{name!r} is not a macro of {module.source.path}", parsed, node)

    def template(self, parsed: Parsed, blocks: dict | None = None) -> Seq:
        path = parsed.source.path
        if path in self.stack:
            self.problem("include cycle: " + " -> ".join([*self.stack, path]), parsed, parsed.ast)
            return Seq()
        self.stack.append(path)
        try:
            blocks = {name: list(chain) for name, chain in (blocks or {}).items()}
            extends = next((n for n in parsed.ast.body if isinstance(n, nodes.Extends)), None)
            if extends is not None:
                for block in parsed.ast.find_all(nodes.Block):
                    blocks.setdefault(block.name, []).append((parsed, block))
                parent = self.load(extends.template, parsed, "parent template")
                return self.template(parent, blocks) if parent else Seq()
            frame = _Frame(parsed, self.scope_of(parsed), blocks)
            return self.body(parsed.ast.body, frame)
        finally:
            self.stack.pop()

    # statements ----------------------------------------------------------------------
    def body(self, statements: list[nodes.Node], frame: _Frame) -> Seq:
        seq = Seq()
        for node in statements:
            self.statement(node, frame, seq.items)
        return seq

    def statement(self, node: nodes.Node, frame: _Frame, out: list[Node]) -> None:
        parsed = frame.parsed
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                self.output(child, frame, out)
        elif isinstance(node, nodes.If):
            out.append(self.choice(node, frame))
        elif isinstance(node, nodes.For):
            label = f"for {_expr(node.target)} in {_expr(node.iter)}"
            loop = Loop(self.body(node.body, frame), label)
            if node.else_:
                span = Span(parsed.source, 0, 0)
                out.append(Choice([Branch(label, Seq([loop]), node.lineno),
                                   Branch(f"not ({_expr(node.iter)})",
                                          self.body(node.else_, frame), node.lineno)], span))
            else:
                out.append(loop)
        elif isinstance(node, nodes.Block):
            chain = frame.blocks.get(node.name)
            if chain:  # overridden by a child: its body, with this one reachable by super()
                (owner, block), rest = chain[0], chain[1:] + [(parsed, node)]
            else:
                (owner, block), rest = (parsed, node), []
            scope = frame.scope if owner is parsed else self.scope_of(owner)
            out.append(self.body(block.body, _Frame(owner, scope, frame.blocks, rest)))
        elif isinstance(node, nodes.Include):
            target = self.load(node.template, parsed, "include") if not node.ignore_missing \
                else self._optional(node, parsed)
            if target and target.source.path in self.stack:
                self.problem("include cycle: " + " -> ".join([*self.stack, target.source.path]),
                             parsed, node)
            elif target:
                out.append(self.template(target))
        elif isinstance(node, (nodes.Import, nodes.FromImport, nodes.Macro)):
            self.bind(node, parsed, frame.scope)
        elif isinstance(node, nodes.CallBlock):
            expanded = self.call(node.call, frame, caller=(frame, node.body))
            # a macro defined elsewhere (not imported here): its caller body is still said
            out.append(expanded if expanded is not None else self.body(node.body, frame))
        elif isinstance(node, (nodes.With, nodes.Scope, nodes.FilterBlock,
                               nodes.ScopedEvalContextModifier)):
            out.append(self.body(node.body, frame))
        # Extends (handled per template), Assign/AssignBlock, Do, ExprStmt: say nothing.

    def _optional(self, node: nodes.Include, parsed: Parsed) -> Parsed | None:
        if isinstance(node.template, nodes.Const) and \
                self.loader.resolve(node.template.value, parsed.source.path):
            return self.load(node.template, parsed, "include")
        return None

    def choice(self, node: nodes.If, frame: _Frame) -> Choice:
        cond, span = frame.parsed.conditions.get(id(node), (_expr(node.test), None))
        span = span or Span(frame.parsed.source, 0, 0)
        branches = [Branch(cond, self.body(node.body, frame), node.lineno)]
        previous = [cond]
        for elif_ in node.elif_:
            econd, _ = frame.parsed.conditions.get(id(elif_), (_expr(elif_.test), None))
            branches.append(Branch(econd, self.body(elif_.body, frame), elif_.lineno))
            previous.append(econd)
        negated = " and ".join(f"not ({c})" for c in previous)
        else_line = node.else_[0].lineno if node.else_ else node.lineno
        branches.append(Branch(negated, self.body(node.else_, frame), else_line))
        return Choice(branches, span)

    # expressions ---------------------------------------------------------------------
    def output(self, node: nodes.Node, frame: _Frame, out: list[Node]) -> None:
        span = frame.parsed.spans.get(id(node))
        if isinstance(node, nodes.TemplateData):
            out.append(Text(node.data, span))
            return
        if isinstance(node, nodes.Call):
            expanded = self.call(node, frame)
            if expanded is not None:
                out.append(expanded)
                return
        expr = frame.parsed.source.text[span.start + 2: span.end - 2].strip("-+ \t\n")
        if isinstance(node, nodes.Name) and isinstance(frame.bindings.get(node.name), str):
            out.append(Slot(expr, (), span, frame.bindings[node.name]))
            return
        variables = tuple(_bind(v, frame.bindings) for v in _variables(node))
        out.append(Slot(expr, variables, span))

    def call(self, call: nodes.Call, frame: _Frame, caller=None) -> Node | None:
        """Inline a macro, `caller()` or `super()` call; None when it is not one."""
        target = call.node
        if isinstance(target, nodes.Name) and target.name == "caller" and frame.caller:
            caller_frame, body = frame.caller
            return self.body(body, caller_frame)
        if isinstance(target, nodes.Name) and target.name == "super":
            if not frame.super_chain:
                return Seq()
            owner, block = frame.super_chain[0]
            inner = _Frame(owner, self.scope_of(owner), frame.blocks, frame.super_chain[1:])
            return self.body(block.body, inner)
        entry = None
        if isinstance(target, nodes.Name):
            entry = frame.scope.get(target.name)
        elif isinstance(target, nodes.Getattr) and isinstance(target.node, nodes.Name):
            module = frame.scope.get(target.node.name)
            if module and module[0] == "module":
                macros = {n.name: n for n in module[1].ast.body if isinstance(n, nodes.Macro)}
                if target.attr in macros:
                    entry = ("macro", module[1], macros[target.attr])
        if not entry or entry[0] != "macro":
            return None
        _, owner, macro = entry
        key = f"{owner.source.path}:{macro.name}"
        self.script.called.add(key)
        if key in self.stack:
            return Seq()  # recursive macro: its body is already being checked
        params = [a.name for a in macro.args]
        passed = dict(zip(params[len(params) - len(macro.defaults):], macro.defaults))
        passed.update(zip(params, call.args))
        passed.update((kw.key, kw.value) for kw in call.kwargs)
        bindings: dict = {}
        for param, arg in passed.items():
            if isinstance(arg, nodes.Const) and isinstance(arg.value, (str, int, float)):
                bindings[param] = str(arg.value)  # a literal: the text the macro will say
            else:
                bindings[param] = tuple(_bind(v, frame.bindings) for v in _variables(arg))
        inner = _Frame(owner, self.scope_of(owner), {}, [], caller, bindings)
        self.stack.append(key)
        try:
            return self.body(macro.body, inner)
        finally:
            self.stack.pop()


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _dotted(node.node)
        return f"{base}.{node.arg.value}" if base else None
    return None


def _variables(node: nodes.Node) -> list[str]:
    """Dotted variable names an expression reads (`customer.id_number`)."""
    name = _dotted(node)
    if name is not None:
        return [name]
    found: list[str] = []
    for child in node.iter_child_nodes():
        if isinstance(node, nodes.Call) and child is node.node:
            continue  # the function's own name is not data
        found.extend(v for v in _variables(child) if v not in found)
    return found


def _bind(name: str, bindings: dict) -> str:
    """Rewrite a macro parameter to the caller's variable (`c.surname` -> `customer.surname`)."""
    head, _, rest = name.partition(".")
    bound = bindings.get(head)
    if isinstance(bound, tuple) and len(bound) == 1:
        return bound[0] + ("." + rest if rest else "")
    return name


_OPS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=",
        "in": "in", "notin": "not in"}


def _expr(node: nodes.Node) -> str:
    """A readable rendering of an expression, for labels (never evaluated)."""
    dotted = _dotted(node)
    if dotted:
        return dotted
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Compare):
        return " ".join([_expr(node.expr)] + [f"{_OPS.get(o.op, o.op)} {_expr(o.expr)}"
                                              for o in node.ops])
    if isinstance(node, nodes.Not):
        return f"not {_expr(node.node)}"
    if isinstance(node, (nodes.And, nodes.Or)):
        word = "and" if isinstance(node, nodes.And) else "or"
        return f"{_expr(node.left)} {word} {_expr(node.right)}"
    if isinstance(node, nodes.Call):
        return f"{_expr(node.node)}(...)"
    if isinstance(node, nodes.Filter):
        return f"{_expr(node.node)}|{node.name}"
    return type(node).__name__.lower()


def analyze(path: str, loader: Loader) -> Script:
    """The script tree of one file. Problems are collected, never raised."""
    try:
        parsed = loader.load(path)
    except Exception as exc:  # noqa: BLE001 - TemplateProblem, or a crash: a finding either way
        problem = exc if isinstance(exc, TemplateProblem) else TemplateProblem(
            f"internal error: {exc!r}", os.path.normpath(path), 1, "internal-error",
            {"detail": describe(exc)})
        source = SourceFile(os.path.normpath(path), "")
        try:
            source = read_source(os.path.normpath(path), loader.encoding)
        except (OSError, UnicodeDecodeError, LookupError, TemplateProblem):
            pass
        meta = _front_matter_only(loader.env, source) or frontmatter.Meta()
        return Script(source, meta, Seq(), problems=[problem])
    try:
        return build(parsed, loader)
    except RecursionError:  # nesting through includes and macros, each file within limits
        problem = TemplateProblem("the template nests too deeply to analyse", parsed.source.path,
                                  1, "limit-depth", {"depth": "> " + str(loader.limits.max_depth),
                                                     "limit": loader.limits.max_depth})
    except Exception as exc:  # noqa: BLE001 - a crash is this file's finding, not the run's
        logging.getLogger("scriptcheck").debug("internal error analysing %s", path,
                                               exc_info=exc)
        problem = TemplateProblem(f"internal error: {exc!r}", parsed.source.path, 1,
                                  "internal-error", {"detail": describe(exc)})
    return Script(parsed.source, parsed.meta or frontmatter.Meta(), Seq(), problems=[problem])


def _front_matter_only(env: Environment, source: SourceFile) -> frontmatter.Meta | None:
    """The front matter of a file that does not parse, so its error speaks its language."""
    try:
        for lineno, kind, value in env.lexer.tokeniter(source.text, source.path):
            if kind == "comment":
                return frontmatter.parse(value, lineno)
            if kind not in ("comment_begin", "data") or (kind == "data" and value.strip()):
                return None
    except TemplateSyntaxError:
        return None
    return None


def build(parsed: Parsed, loader: Loader) -> Script:
    meta = parsed.meta or frontmatter.Meta()
    script = Script(parsed.source, meta, Seq())
    if meta.error:
        script.problems.append(TemplateProblem(meta.error[1], parsed.source.path, meta.error[0]))
    for key, message, values in frontmatter.check(meta.values):
        script.notices.append(Notice("front-matter", "error", message, parsed.source.path,
                                     meta.lines.get(key, 1), values))
    script.tree = _Builder(loader, script).template(parsed)
    script.uses.discard(parsed.source.path)
    script.notices += loader.encoding_notices({parsed.source.path, *script.uses})
    return script
