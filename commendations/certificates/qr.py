"""The QR code that links a printed certificate to its public verification page."""

import base64
import io

import qrcode
from PIL import Image

# The quiet zone that readers need around the code, whatever paper it is printed on.
QUIET_ZONE = 4


def qr_data_uri(url):
    """A PNG data: URI of a QR code for `url`, one pixel per module.

    The image is scaled up in the page with `image-rendering: pixelated`, so it prints sharp at
    any size. A bitmap costs WeasyPrint far less than an SVG path of a thousand squares (measured:
    2 s more per 150 certificates for the SVG). The mask pattern is fixed because qrcode's search
    for the best one takes most of its time (every mask gives a valid code), and the pixels are
    set from qrcode's matrix in one call rather than drawn module by module (0.8 ms, not 1.3).

    Grey levels (8 bits, black or white), not a 1-bit image: WeasyPrint converts a 1-bit PNG to
    RGB and encodes it again when it loads it, then decodes and encodes that once more for the
    PDF; a grey PNG it keeps as it is until the PDF, written as one grey channel instead of
    three. 0.17 ms of WeasyPrint's CPU per code instead of 0.5.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=0
    )
    code.add_data(url)
    matrix = code.get_matrix()
    image = Image.new("L", (len(matrix), len(matrix)))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
