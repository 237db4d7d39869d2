"""The certificate PDF is PDF/A-2b: XMP identification, an output intent, metadata, real text.

veraPDF is not available here, so the test checks what PDF/A-2b requires of this document:
the pdfaid part and conformance in the XMP packet, a GTS_PDFA1 output intent with an embedded
ICC profile, every font embedded, no encryption, and text that extracts in both languages.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.certification.test_services import pass_quiz
from tests.conftest import login, make_team, make_user
from tests.content_factory import make_full_tree
from trainer.certification import services
from trainer.certification.pdf import ISSUER
from trainer.content_tree import load_tree, read_tree

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def test_certificate_pdf_is_pdfa_2b_with_metadata_and_text(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_tree(read_tree(make_full_tree(tmp_path)))
    user = make_user(team=make_team("热线一组"))
    pass_quiz(user.id)
    (certificate,) = services.certificates_of(user.id)
    cert = certificate.certification
    issued = certificate.issued_at.date().isoformat()
    expires = certificate.expires_at.date().isoformat()
    login(client, "trainee@example.com")
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200

    reader = PdfReader(io.BytesIO(response.data))
    assert reader.pdf_header == "%PDF-1.7" and not reader.is_encrypted
    root = reader.trailer["/Root"]

    xmp = ET.fromstring(root["/Metadata"].get_object().get_data())
    description = xmp.find(".//rdf:Description", NS)
    assert description is not None
    assert description.findtext("pdfaid:part", namespaces=NS) == "2"
    assert description.findtext("pdfaid:conformance", namespaces=NS) == "B"
    title = description.findtext("dc:title/rdf:Alt/rdf:li", namespaces=NS) or ""
    assert user.display_name in title and cert.name_zh in title and cert.name_en in title
    assert description.findtext("dc:creator/rdf:Seq/rdf:li", namespaces=NS) == ISSUER
    about = description.findtext("dc:description/rdf:Alt/rdf:li", namespaces=NS) or ""
    assert certificate.code in about and issued in about and expires in about
    attributes = {k.split("}")[1]: v for k, v in description.attrib.items() if "}" in k}
    assert attributes["CreateDate"].startswith(issued)
    keywords = attributes["Keywords"].split(",")
    assert f"holder={user.display_name}" in keywords and f"expires={expires}" in keywords

    (intent,) = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile

    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))

    # fpdf2 writes CFF fonts with an embedded code-to-CID CMap; pypdf reads each two-byte code
    # as a NUL plus the character its ToUnicode map gives, and adds spaces between glyphs.
    # Viewers read the ToUnicode map alone; what matters is that every character maps back.
    text = "".join(reader.pages[0].extract_text().replace("\x00", "").split())
    for expected in (user.display_name, cert.name_zh, "结业证书", certificate.code, issued):
        assert expected in text
    assert "".join(cert.name_en.split()) in text and "Thisistocertifythat" in text
