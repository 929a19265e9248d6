"""C: CSV manifests (spec section 4). Found by the CSV loader (``sources/csv_source.py``).

A CSV manifest is read into the same document as a JSON one, so every other family's rules
apply to it too (a `.mp4` under an `Image title` header is U308, a duplicate URL U307). The
codes here are about what only CSV can get wrong: quoting, delimiters, header rows, cells.
"""

from __future__ import annotations

from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.rules import register

INVALID_CSV = register(
    "C701",
    "invalid-csv",
    Severity.ERROR,
    "The file is not well-formed CSV",
    origin="source",
    explanation="""
        A quoted cell must end with a quote followed by the delimiter or the end of the line:
        an opening quote that is never closed swallows the rest of the file into one cell,
        and text after a closing quote ("a.jpg" x) is ambiguous. Reported once, at the
        opening quote of the cell; nothing else in the file can be checked until it is fixed.
        Inside a quoted cell, a quote is written twice ("").
    """,
    failing='ObjectUrl,Image title\n"https://b.s3.amazonaws.com/a.jpg,Cat\n',
    passing='ObjectUrl,Image title\n"https://b.s3.amazonaws.com/a.jpg",Cat\n',
    example_format="csv",
)

WRONG_DELIMITER = register(
    "C702",
    "csv-wrong-delimiter",
    Severity.ERROR,
    "The file is separated by semicolons or tabs, not commas",
    origin="source",
    explanation="""
        Encord reads comma-separated files. Spreadsheets in German and other locales export
        "CSV" with semicolons, and some tools write tabs; the upload then sees one column
        per row. The linter says so once, at the first delimiter of the first header, and
        checks the rest as if the file used that delimiter. Save as comma-separated, or
        convert with an explicit `encord-manifest convert --delimiter ';'`.
    """,
    failing="ObjectUrl;Image title\nhttps://b.s3.amazonaws.com/a.jpg;Cat\n",
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    example_format="csv",
)

NO_HEADER = register(
    "C703",
    "csv-row-before-header",
    Severity.ERROR,
    "Rows before the first header row",
    origin="source",
    explanation="""
        Every section of a CSV manifest starts with a header row whose first cell is
        `ObjectUrl`; its other columns decide what the rows below it are. Rows above the first
        header have no type and would be lost. Reported once, at the first such row, with the
        number of rows. A header whose `ObjectUrl` column is not the first is one of these.
    """,
    failing="https://b.s3.amazonaws.com/a.jpg,Cat\nObjectUrl,Image title\n",
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    example_format="csv",
)

UNKNOWN_COLUMN = register(
    "C704",
    "csv-unknown-column",
    Severity.ERROR,
    "A header column Encord does not know",
    origin="source",
    explanation="""
        The known columns are ObjectUrl, Video title, Image title, Image group title, Create
        video and Series title (any case, spaces around them ignored). Any other column, a
        blank header cell included, is an error: its cells would be silently ignored. A near
        miss ("Imagetitle", "Series name") gets a "did you mean" hint. Trailing columns with
        a blank header and no data below it, as spreadsheets export them, are C713 instead.
    """,
    failing="ObjectUrl,Image name\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    example_format="csv",
)

INVALID_HEADER = register(
    "C705",
    "csv-invalid-header",
    Severity.ERROR,
    "A header that names no single section type",
    origin="source",
    explanation="""
        A header names at most one title column, which decides the section's data type
        (Video title: videos, Image title: images, Image group title: image groups and
        sequences, Series title: DICOM series; ObjectUrl alone: videos), and no column twice.
        A header with two title columns is ambiguous, and its rows are not checked further.
        Start a new section, with its own header row, for each data type.
    """,
    failing=("ObjectUrl,Image title,Series title\nhttps://b.s3.amazonaws.com/a.jpg,Cat,Study 1\n"),
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    example_format="csv",
)

EXTRA_CELLS = register(
    "C706",
    "csv-extra-cells",
    Severity.ERROR,
    "A row with more cells than its header",
    origin="source",
    explanation="""
        A cell beyond the header's last column belongs to no column and would be dropped.
        Usually a comma inside an unquoted title: quote the cell ("Cats, and dogs").
        Reported at the first extra cell. Fewer cells than the header are fine: missing
        cells are blank.
    """,
    failing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cats, and dogs\n",
    passing='ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,"Cats, and dogs"\n',
    example_format="csv",
)

MISSING_URL = register(
    "C707",
    "csv-missing-url",
    Severity.ERROR,
    "A row with cells but a blank ObjectUrl",
    origin="source",
    explanation="""
        Every row names one file in its ObjectUrl cell. A row that has a title or other
        cells but no URL is a mistake (a blank row, with every cell empty, is skipped).
    """,
    failing="ObjectUrl,Image title\n,Cat\n",
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    example_format="csv",
)

BLANK_GROUP_TITLE = register(
    "C708",
    "csv-blank-group-title",
    Severity.ERROR,
    "A blank Image group title",
    origin="source",
    explanation="""
        Rows with the same Image group title form one image group or sequence, so the title
        cannot be blank: the row would belong to no group. (A blank Video, Image or Series
        title means "use the file name" and is allowed; the DICOM series then has no title,
        which the JSON import rejects: see S107.)
    """,
    failing="ObjectUrl,Image group title\nhttps://b.s3.amazonaws.com/a.jpg,\n",
    passing="ObjectUrl,Image group title\nhttps://b.s3.amazonaws.com/a.jpg,Walk 1\n",
    example_format="csv",
)

INVALID_CREATE_VIDEO = register(
    "C709",
    "csv-invalid-create-video",
    Severity.ERROR,
    "A Create video cell that is not true, false or blank",
    origin="source",
    explanation="""
        Create video takes `true` or `false` (any case); blank means true. In a videos,
        images or DICOM section, where no video is made from the rows, a Create video cell
        must be `false` or blank.
    """,
    failing=(
        "ObjectUrl,Image group title,Create video\nhttps://b.s3.amazonaws.com/a.jpg,Walk 1,yes\n"
    ),
    passing=(
        "ObjectUrl,Image group title,Create video\nhttps://b.s3.amazonaws.com/a.jpg,Walk 1,TRUE\n"
    ),
    example_format="csv",
)

CREATE_VIDEO_CONFLICT = register(
    "C710",
    "csv-create-video-conflict",
    Severity.ERROR,
    "Rows of one image group disagree on Create video",
    origin="source",
    explanation="""
        An image group is either kept as images (false) or encoded into one video (true, or
        blank): every row of the group must say the same. Reported at each row that
        disagrees with the group's first row.
    """,
    failing="""
        ObjectUrl,Image group title,Create video
        https://b.s3.amazonaws.com/a.jpg,Walk 1,false
        https://b.s3.amazonaws.com/b.jpg,Walk 1,
    """,
    passing="""
        ObjectUrl,Image group title,Create video
        https://b.s3.amazonaws.com/a.jpg,Walk 1,false
        https://b.s3.amazonaws.com/b.jpg,Walk 1,false
    """,
    example_format="csv",
)

GROUP_SPLIT = register(
    "C711",
    "csv-group-split",
    Severity.WARNING,
    "A group or series title that reappears after other rows",
    origin="source",
    explanation="""
        Rows with the same Image group title or Series title are one group or series, in
        row order, wherever they are; a title that comes back after rows of other groups is
        merged into the earlier group. That is often a mistake (two groups given one name),
        so it is pointed out. Keep each group's rows together.
    """,
    failing="""
        ObjectUrl,Series title
        https://b.s3.amazonaws.com/a/1.dcm,Study 1
        https://b.s3.amazonaws.com/b/1.dcm,Study 2
        https://b.s3.amazonaws.com/a/2.dcm,Study 1
    """,
    passing="""
        ObjectUrl,Series title
        https://b.s3.amazonaws.com/a/1.dcm,Study 1
        https://b.s3.amazonaws.com/a/2.dcm,Study 1
        https://b.s3.amazonaws.com/b/1.dcm,Study 2
    """,
    example_format="csv",
)

FORMULA_CELL = register(
    "C712",
    "csv-formula-cell",
    Severity.WARNING,
    "A cell a spreadsheet would run as a formula",
    origin="source",
    explanation="""
        A cell whose first character is `=`, `+`, `-` or `@`, or a tab or carriage return,
        is a formula to Excel, LibreOffice and Google Sheets: `=HYPERLINK(...)` becomes a
        link, `+cmd|' /C calc'!A0` may start a program (CSV injection). Encord imports it as
        text, so this is a warning for whoever opens the file in a spreadsheet. A plain
        number is data, not a formula: `-1`, `+2.5` and `-1e-3` pass, `-1+2` and `-draft`
        do not. URL and title cells are checked (the other columns only take true or
        false). `convert --to csv` refuses to write such cells unless `--allow-formulas`.
    """,
    failing=(
        "ObjectUrl,Image title\n"
        'https://b.s3.amazonaws.com/a.jpg,"=HYPERLINK(""https://evil.example"",""Cat"")"\n'
    ),
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\nhttps://b.s3.amazonaws.com/b.jpg,-1\n",
    example_format="csv",
)

TRAILING_BLANK_COLUMNS = register(
    "C713",
    "csv-trailing-blank-columns",
    Severity.INFO,
    "Trailing columns with a blank header and no data, ignored",
    origin="source",
    explanation="""
        Excel's "CSV UTF-8" and other spreadsheet exports write every row as wide as the
        sheet's used range, so a sheet once edited beyond its last column ends its header
        and rows in empty cells: `ObjectUrl,Image title,,`. Columns at the end of a section
        whose header cell and every cell below it (to the next header row) are blank, or
        only spaces, carry nothing and are ignored: the file is read, and converted, exactly
        as without them. Said once per file, at the first such header cell. A blank header
        cell over a cell with data is C704, as is a blank header cell before a named one.
    """,
    failing=(
        "ObjectUrl,Image title,,\n"
        "https://b.s3.amazonaws.com/a.jpg,Cat,,\n"
        "https://b.s3.amazonaws.com/b.jpg,Dog\n"
    ),
    passing="ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,Cat\n",
    example_format="csv",
)
