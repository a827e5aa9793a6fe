/** The QR code of an `otpauth://` URI as an SVG document, drawn here: the secret never goes to a remote service. Loaded on first use. */
export const qrSvg = async (uri: string): Promise<string> => (await import('qrcode')).default.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
