import QRCode from 'qrcode';

/** The QR code of an `otpauth://` URI as an SVG document, drawn here: the secret never goes to a remote service. */
export const qrSvg = (uri: string): Promise<string> => QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
