"""YAML as a config file may safely be: UTF-8, bounded in size, nesting and alias expansion,
no duplicate keys. A hostile or broken file is one ConfigError naming file and line, fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from netmon.config.errors import ConfigError

MAX_BYTES = 16 * 1024 * 1024  # a town's inventory is kilobytes; a few megabytes at most
MAX_DEPTH = 64  # nesting of mappings and lists
# Nodes once every alias is expanded: a 600-byte "billion laughs" expands to billions.
MAX_EXPANDED_NODES = 2_000_000


class _Refused(Exception):
    def __init__(self, node: Node | None, problem: str) -> None:
        super().__init__(problem)
        self.line = node.start_mark.line + 1 if node is not None else None


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting and duplicate keys while it composes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(parent, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key: the base class says so
            if duplicate:
                raise _Refused(key_node, f"duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: Node, sizes: dict[int, int]) -> int:
    """Nodes of the document once aliases are expanded (memoised: aliases share nodes)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a recursive alias counts once, as the constructor builds it once
    total = 1
    if isinstance(node, SequenceNode):
        total += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, MappingNode):
        total += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    if total > MAX_EXPANDED_NODES:
        raise _Refused(node, f"aliases expand to more than {MAX_EXPANDED_NODES:,} values "
                             "(a YAML alias bomb?)")
    sizes[id(node)] = total
    return total


def load_yaml(path: Path) -> Any:
    """One config file's data; problems name the file (and line, where there is one)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    if len(raw) > MAX_BYTES:
        raise ConfigError([f"{path}: {len(raw):,} bytes: a config file is at most "
                           f"{MAX_BYTES:,}"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError([f"{path}: line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})"]
                          ) from None
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    except _Refused as exc:
        where = f" line {exc.line}:" if exc.line else ""
        raise ConfigError([f"{path}:{where} {exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{path}:{where}: not valid YAML: {problem}"]) from None
    except RecursionError:
        raise ConfigError([f"{path}: nested too deep"]) from None
    finally:
        loader.dispose()
