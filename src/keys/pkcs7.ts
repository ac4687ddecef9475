// The PKCS#7 form of a certificate: a degenerate SignedData that carries the certificate and no signer
// (RFC 2315 section 9.1; the "certs-only" .p7b/.p7c file Windows and ADFS import). Its DER is fixed but for
// the certificate, so it is written here: node-forge is needed only where certificates are made.
const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex'); // 1.2.840.113549.1.7.2
const OID_DATA = Buffer.from('06092a864886f70d010701', 'hex'); // 1.2.840.113549.1.7.1
const VERSION_1 = Buffer.from('020101', 'hex');

/** DER length octets (X.690 8.1.3): short form below 128, else the long form. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};

const SEQUENCE = 0x30;
const SET = 0x31;
const CONTEXT_0 = 0xa0;

/** ContentInfo { signedData, [0] SignedData { version 1, no digest algorithms, data, [0] { the certificate }, no signers } }. */
export function certsOnlyPkcs7(certDer: Buffer): Buffer {
  const signedData = tlv(SEQUENCE, VERSION_1, tlv(SET), tlv(SEQUENCE, OID_DATA), tlv(CONTEXT_0, certDer), tlv(SET));
  return tlv(SEQUENCE, OID_SIGNED_DATA, tlv(CONTEXT_0, signedData));
}

/** RFC 7468 textual encoding: base64 in lines of 64 characters between the label's armour lines. */
export function pemOf(label: string, der: Buffer): string {
  const lines = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}
