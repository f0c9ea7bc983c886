"""The structure tree of reportlib's PDFs: row headers, and one tree for the whole pack.

Typst tags a table's header row as column headers (``TH``, scope ``Column``) but has
no way, without an experimental feature, to say that a column heads its rows.
:func:`mark_row_headers` does it after the compile: in every table the first cell of
each body row (unless it spans the row, as a group heading does) becomes a ``TH``
with scope ``Row``, and the row's other cells name it among their headers, as the
HTML's ``<th scope="row">`` does.

Every part of the pack is a tagged PDF (Typst writes them as PDF/UA-1), but
joining pages with pypdf drops the structure tree, which is what a screen reader
reads. :func:`merge_structure` rebuilds it: each part's tree becomes a ``Part`` under
one ``Document``, pages and annotations are given new keys in one parent tree, and
element ids (table headers) are prefixed per part so they stay unique. A pack with
an untagged part (a supplied PDF without tags) is left untagged rather than tagged in
part, because a reader trusting the tags would skip the untagged pages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from reportlib import pdfwriter


def is_tagged(reader: PdfReader) -> bool:
    root = reader.trailer["/Root"]
    return "/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked"))


def _number_tree(node: Any) -> dict[int, Any]:
    """A PDF number tree (``/Nums`` and ``/Kids``) as a dict of its raw values."""
    found: dict[int, Any] = {}
    stack = [node]
    while stack:
        current = stack.pop().get_object()
        nums = current.get("/Nums", [])
        for i in range(0, len(nums) - 1, 2):
            found[int(nums[i])] = nums[i + 1]  # arrays keep references unresolved
        stack.extend(current.get("/Kids", []))
    return found


def _kids(element: DictionaryObject) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def _elements(top: Sequence[IndirectObject]) -> Iterator[tuple[Any, DictionaryObject]]:
    """(reference, element) for every structure element under ``top``, parents first."""
    seen: set[int] = set()
    stack = list(top)
    while stack:
        ref = stack.pop()
        element = ref.get_object()
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            continue  # a marked-content or object reference, not an element
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield ref, element
        stack.extend(k for k in _kids(element) if not isinstance(k, NumberObject | int))


def mark_row_headers(catalog: DictionaryObject) -> int:
    """Make the first cell of each table body row a row header (see above).

    ``catalog`` is a PDF's document catalog, a reader's or a writer's: its objects are
    changed in place. Returns how many cells became row headers.
    """
    if "/StructTreeRoot" not in catalog:
        return 0
    tree = catalog["/StructTreeRoot"].get_object()
    names = dict(_name_tree(tree["/IDTree"])) if "/IDTree" in tree else {}
    ids: dict[str, Any] = {}
    number = 0
    for _, element in _elements(_kids(tree)):
        if element.get("/S") != "/Table":
            continue
        for row in _body_rows(element):
            cells = [c.get_object() for c in _kids(row) if isinstance(c, IndirectObject)]
            cells = [c for c in cells if isinstance(c, DictionaryObject) and "/S" in c]
            if len(cells) < 2 or cells[0]["/S"] != "/TD":
                continue  # a group heading across the row, or already a header
            head = cells[0]
            while f"R{number}" in names:  # an id the PDF has already
                number += 1
            name, number = f"R{number}", number + 1
            head[NameObject("/S")] = NameObject("/TH")
            head[NameObject("/ID")] = TextStringObject(name)
            ids[name] = head.indirect_reference
            _table_attributes(head)[NameObject("/Scope")] = NameObject("/Row")
            for cell in cells[1:]:
                attributes = _table_attributes(cell)
                headers = list(attributes.get("/Headers", []))
                attributes[NameObject("/Headers")] = ArrayObject([*headers, TextStringObject(name)])
    if ids:  # the tree's index of ids, kept sorted as a name tree must be
        names.update(ids)
        flat = ArrayObject()
        for name in sorted(names):
            flat += [TextStringObject(name), names[name]]
        tree[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): flat})
    return len(ids)


def _body_rows(table: DictionaryObject) -> Iterator[DictionaryObject]:
    """The rows of a table that are not in its header (``THead``)."""
    for kid in _kids(table):
        element = kid.get_object()
        if not isinstance(element, DictionaryObject):
            continue
        if element.get("/S") == "/TR":
            yield element
        elif element.get("/S") in ("/TBody", "/TFoot"):
            yield from (r.get_object() for r in _kids(element) if r.get_object().get("/S") == "/TR")


def _table_attributes(cell: DictionaryObject) -> DictionaryObject:
    """The cell's attribute dictionary owned by ``/Table`` (added if it has none)."""
    for attributes in _attribute_dicts(cell):
        if attributes.get("/O") == "/Table":
            return attributes
    found = DictionaryObject({NameObject("/O"): NameObject("/Table")})
    existing = cell.get("/A")
    if existing is None:
        cell[NameObject("/A")] = found
    elif isinstance(existing.get_object(), ArrayObject):
        existing.get_object().append(found)
    else:
        cell[NameObject("/A")] = ArrayObject([existing, found])
    return found


def _name_tree(node: Any) -> Iterator[tuple[str, Any]]:
    """A PDF name tree (``/Names`` and ``/Kids``) as (name, raw value) pairs."""
    stack = [node]
    while stack:
        current = stack.pop().get_object()
        names = current.get("/Names", [])
        for i in range(0, len(names) - 1, 2):
            yield str(names[i]), names[i + 1]
        stack.extend(current.get("/Kids", []))


def merge_structure(writer: PdfWriter, sources: Sequence[tuple[PdfReader, int]]) -> bool:
    """Give ``writer`` one structure tree made of the trees of ``sources``.

    ``sources`` are the readers whose pages were appended to ``writer`` (with
    ``append``, in this order), each with the index of its first page in the writer.
    Returns False, and changes nothing, if any source is untagged.
    """
    if not sources or not all(is_tagged(reader) for reader, _ in sources):
        return False
    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    tree_ref = pdfwriter.add_object(writer, tree)
    document = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): tree_ref,
            NameObject("/K"): ArrayObject(),
        }
    )
    document_ref = pdfwriter.add_object(writer, document)
    tree[NameObject("/K")] = ArrayObject([document_ref])
    role_map = DictionaryObject()
    nums = ArrayObject()
    ids: dict[str, Any] = {}
    key = 0
    for n, (reader, start) in enumerate(sources):
        source = reader.trailer["/Root"]["/StructTreeRoot"]
        for name, value in source.get("/RoleMap", {}).items():
            role_map[NameObject(name)] = NameObject(value)
        # Clone the elements without their parent links (set again below): following
        # /P would drag the source's whole tree root along. Page references map to the
        # pages already appended, because pypdf clones each object of a reader once.
        top = [kid.clone(writer, ignore_fields=("/P",)) for kid in _kids(source)]
        for ref in top:
            element = ref.get_object()
            if element.get("/S") == "/Document":
                element[NameObject("/S")] = NameObject("/Part")
            document["/K"].append(ref)
        for _, element in _elements(top):
            if "/ID" in element:
                new = f"p{n}-{element['/ID']}"
                element[NameObject("/ID")] = TextStringObject(new)
                ids[new] = element.indirect_reference
            for attributes in _attribute_dicts(element):
                if "/Headers" in attributes:
                    attributes[NameObject("/Headers")] = ArrayObject(
                        TextStringObject(f"p{n}-{h}") for h in attributes["/Headers"]
                    )
        parents = _number_tree(source["/ParentTree"]) if "/ParentTree" in source else {}
        for index, page in enumerate(reader.pages):
            target = writer.pages[start + index]
            if "/StructParents" in page and int(page["/StructParents"]) in parents:
                target[NameObject("/StructParents")] = NumberObject(key)
                nums += [NumberObject(key), _clone(parents[int(page["/StructParents"])], writer)]
                key += 1
            for annotation in target.get("/Annots", []):
                annotation = annotation.get_object()
                old = annotation.get("/StructParent")
                if old is not None and int(old) in parents:
                    annotation[NameObject("/StructParent")] = NumberObject(key)
                    nums += [NumberObject(key), _clone(parents[int(old)], writer)]
                    key += 1
    for ref, element in _elements([document_ref]):
        parent = ref if isinstance(ref, IndirectObject) else element.indirect_reference
        for kid in _kids(element):
            child = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(child, DictionaryObject) and "/S" in child:
                child[NameObject("/P")] = parent
    tree[NameObject("/ParentTree")] = pdfwriter.add_object(
        writer, DictionaryObject({NameObject("/Nums"): nums})
    )
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(key)
    if role_map:
        tree[NameObject("/RoleMap")] = role_map
    if ids:
        names = ArrayObject()
        for name in sorted(ids):
            names += [TextStringObject(name), ids[name]]
        tree[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})
    writer.root_object[NameObject("/StructTreeRoot")] = tree_ref
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    return True


def _clone(value: Any, writer: PdfWriter) -> Any:
    return value.clone(writer, ignore_fields=("/P",)) if hasattr(value, "clone") else value


def _attribute_dicts(element: DictionaryObject) -> list[DictionaryObject]:
    attributes = element.get("/A")
    if attributes is None:
        return []
    attributes = attributes.get_object()
    items = attributes if isinstance(attributes, ArrayObject) else [attributes]
    return [a.get_object() for a in items if isinstance(a.get_object(), DictionaryObject)]
