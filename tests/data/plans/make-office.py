#!/usr/bin/python3
"""make-office.py: writes bergsvik-2022.docx and vasterby-2023.odt, the
invented Word and OpenDocument plans of the importer's corpus.

They are written here from their XML, not saved from an office suite, so
that every feature the importer must handle is there on purpose and the
files can be made again without one:

bergsvik-2022.docx (Word)
    Title and heading styles under their Swedish style ids (Rubrik,
    Rubrik1) and English names, as Swedish Word saves them; a character
    style "Stark" (Strong) and a paragraph style that make text bold; a
    table whose section rows are one cell merged across the table
    (gridSpan), whose Ansvarig cells are merged down over two rows
    (vMerge); bold leads split over several runs and spelling marks;
    a numbered list inside a cell (numPr); a tracked deletion (its text
    must not appear) and insertion; a line break between two roles;
    a bookmark and a hyperlink; an ambiguous date in row 6 (an error
    at "table 1, row 6").

vasterby-2023.odt (LibreOffice Writer)
    Headings (text:h), bold through automatic and named text styles and
    a bold paragraph style; a table with a header row, a cell spanning
    two rows (number-rows-spanned, covered cells below), a section row
    spanning the table (number-columns-spanned); a list inside a cell;
    a comment (office:annotation) and a footnote (text:note), both left
    out; text:s spaces; a checkpoint due before the adoption (a warning).

Usage: make-office.py [DIR]   (default: the directory of this script)
Entries carry a fixed date, so the same script gives the same files.

bergsvik-2022-libreoffice.odt and vasterby-2023-libreoffice.docx, beside
them, are the two saved the other way round by LibreOffice 7.4 (Debian's
libreoffice-writer-nogui), to have a real office suite's XML too:
    soffice --headless --convert-to odt bergsvik-2022.docx
    soffice --headless --convert-to docx vasterby-2023.odt
(renamed).  make check never needs LibreOffice.
"""
import os
import sys
import zipfile

STAMP = (2024, 1, 1, 0, 0, 0)


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w") as z:
        for name, data, stored in parts:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8"))


# --- Word -------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def run(text, bold=False, style=None):
    props = ""
    if style:
        props = '<w:rPr><w:rStyle w:val="%s"/></w:rPr>' % style
    elif bold:
        props = "<w:rPr><w:b/><w:bCs/></w:rPr>"
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return '<w:r w:rsidR="00A1B2C3">%s<w:t%s>%s</w:t></w:r>' % (props, space, text)


def para(inner, style=None, num=False):
    ppr = ""
    if style or num:
        ppr = "<w:pPr>"
        if style:
            ppr += '<w:pStyle w:val="%s"/>' % style
        if num:
            ppr += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        ppr += "</w:pPr>"
    return '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">%s%s</w:p>' % (ppr, inner)


def cell(paras, span=1, vmerge=None, width=2250):
    pr = '<w:tcPr><w:tcW w:w="%d" w:type="dxa"/>' % (width * span)
    if span > 1:
        pr += '<w:gridSpan w:val="%d"/>' % span
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    pr += "</w:tcPr>"
    return "<w:tc>%s%s</w:tc>" % (pr, "".join(paras))


def row(cells, header=False):
    pr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return '<w:tr w:rsidR="00A1B2C3">%s%s</w:tr>' % (pr, "".join(cells))


def docx():
    header = row([cell([para(run(t), style="Tabellrubrik")]) for t in
                  ("Aktivitet", "Ansvarig", "Tidplan", "Uppföljning")], header=True)
    rows = [
        header,
        row([cell([para(run("Förebyggande aktiviteter", bold=True))], span=4)]),
        row([
            cell([para(run("Öppen", bold=True) + run(" ", bold=True) + run("förskola", bold=True)
                       + run(" – Föräldrar med små barn möts varje vecka.")
                       + '<w:del w:id="1" w:author="Handläggare" w:date="2022-03-01T10:00:00Z">'
                         '<w:r><w:delText xml:space="preserve"> GAMMAL TEXT SOM STRUKITS.</w:delText></w:r></w:del>'
                       + '<w:ins w:id="2" w:author="Handläggare" w:date="2022-03-01T10:00:00Z">'
                       + run(" Ny i år: träffar på lördagar.") + "</w:ins>")]),
            cell([para(run("Avdelningschef Förskola"))], vmerge="restart"),
            cell([para(run("Löpande"))]),
            cell([para(run("I ordinarie verksamhetsuppföljning"))]),
        ]),
        row([
            cell([para(run("Språk", style="Stark") + '<w:proofErr w:type="spellStart"/>'
                       + run("café", style="Stark") + '<w:proofErr w:type="spellEnd"/>'),
                  para(run("Samtal på svenska för vuxna som lär sig språket.")),
                  para(run("måndagar i biblioteket"), style="Liststycke", num=True),
                  para(run("torsdagar i medborgarkontoret"), style="Liststycke", num=True)]),
            cell([para("")], vmerge="continue"),
            cell([para(run("T.o.m. 2022-12-31"))]),
            cell([para(run("Tertialrapport 2 2022"))]),
        ]),
        row([cell([para(run("Förhindrande aktiviteter", bold=True))], span=4)]),
        row([
            cell([para(run("Samverkan kring unga", bold=True))]),
            cell([para(run("Samordnare"))]),
            cell([para(run("06-05-2022"))]),
            cell([para(run("Tertialrapport 2 2022"))]),
        ]),
        row([
            cell([para('<w:bookmarkStart w:id="0" w:name="anhoriga"/>'
                       + run("Stöd ", bold=True) + run("till anhöriga:", bold=True)
                       + '<w:bookmarkEnd w:id="0"/>'
                       + run(" samtal med anhöriga, se ")
                       + '<w:hyperlink r:id="rId9" w:history="1">' + run("stadens vägledning") + "</w:hyperlink>"
                       + run("."))]),
            cell([para(run("Avdelningschef Individ- och familjeomsorg") + '<w:r><w:br/></w:r>'
                       + run("Samordnaren"))]),
            cell([para(run("2022"))]),
            cell([para(run("VB 2022"))]),
        ]),
    ]
    table = ('<w:tbl><w:tblPr><w:tblStyle w:val="Tabellrutnt"/><w:tblW w:w="9000" w:type="dxa"/>'
             '<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>'
             + '<w:gridCol w:w="2250"/>' * 4 + "</w:tblGrid>" + "".join(rows) + "</w:tbl>")
    body = "".join([
        para(run("Handlingsplan mot våldsbejakande extremism 2022"), style="Rubrik"),
        para(run("Bergsviks stadsdelsnämnd", bold=True)),
        para(run("Dnr 1.2.1.-77/22")),
        para(run("Antagen av Bergsviks stadsdelsnämnd den 24 mars 2022. Nästa revidering sker i samband med "
                 "tertialrapport 1 2023.")),
        para(run("Inledning"), style="Rubrik1"),
        para(run("Bergsvik är en påhittad stadsdel. Planen är ett exempel på en handlingsplan skriven i Word, "
                 "med sammanfogade celler och listor i cellerna.")),
        para(run("Aktiviteter"), style="Rubrik1"),
        table,
        para(""),
        para(run("Uppföljning"), style="Rubrik1"),
        para(run("Aktiviteterna följs upp i tertialrapporterna och i verksamhetsberättelsen.")),
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" '
        'w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>',
    ])
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document %s><w:body>%s</w:body></w:document>' % (W, body))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<w:styles %s>'
              '<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="sv-SE"/></w:rPr></w:rPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Rubrik"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
              '<w:rPr><w:sz w:val="56"/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
              '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Tabellrubrik"><w:name w:val="Table Heading"/>'
              '<w:basedOn w:val="Normal"/><w:rPr><w:b/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Liststycke"><w:name w:val="List Paragraph"/>'
              '<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr></w:style>'
              '<w:style w:type="character" w:default="1" w:styleId="Standardstycketeckensnitt">'
              '<w:name w:val="Default Paragraph Font"/></w:style>'
              '<w:style w:type="character" w:styleId="Stark"><w:name w:val="Strong"/>'
              '<w:basedOn w:val="Standardstycketeckensnitt"/><w:rPr><w:b/><w:bCs/></w:rPr></w:style>'
              '<w:style w:type="table" w:styleId="Tabellrutnt"><w:name w:val="Table Grid"/></w:style>'
              '</w:styles>' % W)
    numbering = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<w:numbering %s><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/></w:lvl>'
                 '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>' % W)
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '<Override PartName="/word/styles.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
             '<Override PartName="/word/numbering.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
             '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/styles" Target="styles.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/numbering" Target="numbering.xml"/>'
                '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/hyperlink" Target="https://example.org/vagledning" TargetMode="External"/>'
                '</Relationships>')
    return [("[Content_Types].xml", types, False), ("_rels/.rels", rels, False),
            ("word/document.xml", document, False), ("word/styles.xml", styles, False),
            ("word/numbering.xml", numbering, False), ("word/_rels/document.xml.rels", doc_rels, False)]


# --- OpenDocument -------------------------------------------------------

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"')


def tc(inner, rows=1, cols=1):
    attrs = ' office:value-type="string"'
    if rows > 1:
        attrs += ' table:number-rows-spanned="%d"' % rows
    if cols > 1:
        attrs += ' table:number-columns-spanned="%d"' % cols
    return '<table:table-cell table:style-name="Tabell1.A1"%s>%s</table:table-cell>' % (attrs, inner)


def p(inner, style="Table_20_Contents"):
    return '<text:p text:style-name="%s">%s</text:p>' % (style, inner)


COVERED = "<table:covered-table-cell/>"


def odt():
    header = ("<table:table-header-rows><table:table-row>"
              + "".join(tc(p(t, "Table_20_Heading")) for t in ("Aktivitet", "Ansvar", "Tidsplan", "Uppföljning"))
              + "</table:table-row></table:table-header-rows>")
    rows = [
        tc(p('<text:span text:style-name="T1">Sommarlovsaktiviteter</text:span> för barn'
             '<text:s/>och unga<office:annotation><dc:creator>Handläggare</dc:creator>'
             '<text:p>KOMMENTAR SOM INTE HÖR TILL PLANEN</text:p></office:annotation>.')
           + '<text:list text:style-name="L1"><text:list-item>' + p("dagläger i parkerna")
           + "</text:list-item><text:list-item>" + p("utflykter med fritidsgården")
           + "</text:list-item></text:list>")
        + tc(p("Fritidschef"), rows=2) + tc(p("T.o.m. 2023-08-31")) + tc(p("Tertialrapport 2 2023")),
        tc(p('<text:span text:style-name="Strong_20_Emphasis">Föreningsdialog</text:span> – '
             'träffar med föreningar som hyr kommunens lokaler<text:note text:id="ftn1" '
             'text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>'
             '<text:p>FOTNOT SOM INTE HÖR TILL PLANEN</text:p></text:note-body></text:note>'))
        + COVERED + tc(p("Löpande")) + tc(p("I ordinarie verksamhetsuppföljning")),
        tc(p("Kompetenshöjande arbete", "P_bold"), cols=4) + COVERED * 3,
        tc(p("Utbildning för ledare i föreningar. Två kvällar om att upptäcka oro."))
        + tc(p("Föreningskonsulent")) + tc(p("Klart senast 2023-06-30")) + tc(p("VB 2022")),
    ]
    table = ('<table:table table:name="Tabell1" table:style-name="Tabell1">'
             '<table:table-column table:style-name="Tabell1.A" table:number-columns-repeated="4"/>'
             + header + "".join("<table:table-row>%s</table:table-row>" % r for r in rows)
             + "</table:table>")
    body = "".join([
        '<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/>'
        "</text:sequence-decls>",
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">'
        "Handlingsplan mot våldsbejakande extremism 2023</text:h>",
        p("Kultur- och fritidsnämnden", "P_bold"),
        p("Diarienummer KFN 2023/19", "Standard"),
        p("Planen antogs av kultur- och fritidsnämnden den 16 februari 2023. Nästa revidering sker i "
          "samband med verksamhetsberättelsen 2023.", "Standard"),
        '<text:h text:style-name="Heading_20_2" text:outline-level="2">Förebyggande arbete</text:h>',
        p("Västerby kommun är påhittad; planen är ett exempel skrivet i LibreOffice.", "Standard"),
        table,
        '<text:p text:style-name="Standard"><text:soft-page-break/>Planen följs upp av nämnden.</text:p>',
    ])
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               "<office:document-content %s>"
               "<office:automatic-styles>"
               '<style:style style:name="T1" style:family="text">'
               '<style:text-properties fo:font-weight="bold"/></style:style>'
               '<style:style style:name="P_bold" style:family="paragraph" style:parent-style-name="Standard">'
               '<style:text-properties fo:font-weight="bold"/></style:style>'
               "</office:automatic-styles>"
               "<office:body><office:text>%s</office:text></office:body></office:document-content>"
               % (NS, body))
    styles = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              "<office:document-styles %s><office:styles>"
              '<style:style style:name="Standard" style:family="paragraph"/>'
              '<style:style style:name="Table_20_Contents" style:display-name="Table Contents" '
              'style:family="paragraph" style:parent-style-name="Standard"/>'
              '<style:style style:name="Table_20_Heading" style:display-name="Table Heading" '
              'style:family="paragraph" style:parent-style-name="Table_20_Contents">'
              '<style:text-properties fo:font-weight="bold"/></style:style>'
              '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" '
              'style:default-outline-level="1"/>'
              '<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" '
              'style:default-outline-level="2"/>'
              '<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" '
              'style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
              "</office:styles></office:document-styles>" % NS)
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    return [("mimetype", "application/vnd.oasis.opendocument.text", True),
            ("content.xml", content, False), ("styles.xml", styles, False),
            ("META-INF/manifest.xml", manifest, False)]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    write_zip(os.path.join(out, "bergsvik-2022.docx"), docx())
    write_zip(os.path.join(out, "vasterby-2023.odt"), odt())


if __name__ == "__main__":
    main()
