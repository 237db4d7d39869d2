"""The certificate as a PDF in both languages, with the Chinese font embedded and a QR code
that opens the public verification page."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import segno
from fpdf import FPDF

from .models import Certificate

FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "NotoSansSC-Regular-GB2312.otf"
SYSTEM_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BRAND = (11, 93, 99)
ISSUER = "客服训练平台 Service Trainer"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _font_path(text: str) -> tuple[Path, int]:
    """The bundled font covers GB 2312; a rarer character in a name needs the full system font."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        if SYSTEM_FONT.exists():
            return SYSTEM_FONT, 2  # Noto Sans CJK SC inside the collection
    return FONT, 0


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    holder = certificate.holder.display_name
    cert = certificate.certification
    issued = certificate.issued_at.date().isoformat()
    expires = certificate.expires_at.date().isoformat()
    # PDF/A-2b: fpdf2 then embeds the sRGB output intent and writes XMP metadata (pdfaid part 2,
    # conformance B) from the same fields as the document info, so the two always agree.
    pdf = FPDF(orientation="L", unit="mm", format="A4", enforce_compliance="PDFA_2B")
    pdf.set_title(f"{cert.name_zh} · {cert.name_en} — {holder}")
    pdf.set_author(ISSUER)
    pdf.set_creator(ISSUER)
    pdf.set_subject(
        f"{holder}: {cert.name_en} ({cert.name_zh}), certificate {certificate.code}, "
        f"issued {issued}, valid until {expires}"
    )
    pdf.set_keywords(
        [
            f"holder={holder}",
            f"issuer={ISSUER}",
            f"certificate={certificate.code}",
            f"issued={issued}",
            f"expires={expires}",
        ]
    )
    pdf.set_lang("zh-CN")
    # The file's own date is the certificate's: the same certificate gives the same metadata.
    pdf.set_creation_date(_aware(certificate.issued_at))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    path, index = _font_path(holder + cert.name_zh)
    if index:
        pdf.add_font("cjk", "", str(path), collection_font_number=index)
    else:
        pdf.add_font("cjk", "", str(path))
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)

    def line(text: str, size: float, y: float, color: tuple[int, int, int] = (29, 37, 48)) -> None:
        pdf.set_font("cjk", size=size)
        pdf.set_text_color(*color)
        pdf.set_xy(20, y)
        pdf.cell(257, size * 0.5, text, align="C")

    line("客服训练平台 · Service Trainer", 14, 26, BRAND)
    line("结业证书 · Certificate", 30, 40)
    line("兹证明 · This is to certify that", 13, 62, (74, 85, 99))
    line(holder, 30, 74)
    line("已达到以下认证的全部要求 · has met every requirement of", 13, 96, (74, 85, 99))
    line(cert.name_zh, 22, 108, BRAND)
    line(cert.name_en, 16, 122, BRAND)
    line(f"颁发日期 Issued {issued}    有效期至 Valid until {expires}", 12, 142)
    line(f"证书编号 Certificate code  {certificate.code}", 12, 152)
    line(f"扫码或访问以下网址核验 · Verify at {verify_url}", 10, 166, (74, 85, 99))
    qr = segno.make(verify_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=245, y=150, w=32, h=32)
    return bytes(pdf.output())
