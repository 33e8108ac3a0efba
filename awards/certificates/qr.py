"""The QR code that links a printed certificate to its public verification page."""

import base64
import io

import qrcode
from qrcode.image.pil import PilImage


def qr_data_uri(url):
    """A PNG data: URI of a QR code for `url`, one pixel per module.

    The image is scaled up in the page with `image-rendering: pixelated`, so it prints sharp at
    any size. A bitmap costs WeasyPrint far less than an SVG path of a thousand squares (measured:
    2 s more per 150 certificates for the SVG). The mask pattern is fixed because qrcode's search
    for the best one takes most of its time; every mask gives a valid code.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=1,
        border=4,  # the quiet zone readers need, whatever the paper is printed on
        mask_pattern=0,
        image_factory=PilImage,
    )
    code.add_data(url)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
