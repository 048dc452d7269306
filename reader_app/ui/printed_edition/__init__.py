"""The study edition set in type: a QTextDocument built with QTextCursor, printed page by page.

In four steps, one module each: ``building`` sets the text, notes and glossary in type,
``paginating`` moves page breaks away from lone lines and captions, ``painting`` draws a
page and its footer, and ``printing`` runs them for a printer or a PDF file.

Everything is inserted as plain text through QTextCursor (no HTML), so nothing in the text,
the notes or the glossary can be taken for markup.

Units. The document has no paint device of its own: it is laid out in the logical pixels of
the screen (``layout_dpi``) with design metrics, and ``print_edition`` scales the painter up
to the printer, which is how Qt's own QTextDocument.print handles a paginated document.
(Giving it the printer as paint device instead is not an option: QTextDocumentLayout then
scales tab stops and frame paddings to the device but not block indents, so hanging
paragraph numbers come out wrong.) Lengths are written in points and turned into those
logical pixels by ``StudyEditionBuilder.pt``.

QTextDocument has no page numbers of its own, so ``print_edition`` paints each page itself:
the page's slice of the laid-out document, then a footer with a running title and
"page n of N".
"""
