// An independent signer for what a service provider would send (AuthnRequest, LogoutRequest) and the
// oracle the signing tests compare with: xml-crypto's SignedXml over a serialized document. fedmeta
// itself signs only through src/xml/signer.ts; this lives with the tests. xml-crypto 6 has no
// defaults, so every algorithm is named.
import { SignedXml } from 'xml-crypto';
import { ALGORITHMS, DIGEST_ALGORITHMS, SIGNATURE_ALGORITHMS } from '../../src/xml/namespaces.js';
import type { DigestAlgorithmName, SignatureAlgorithmName } from '../../src/xml/namespaces.js';
import { extraIdAttribute, type XmlSigningKey } from '../../src/xml/sign.js';

export interface SignXmlOptions {
  key: XmlSigningKey;
  reference: {
    /** The element to sign, by local-name() and namespace-uri() (see elementPath). */
    xpath: string;
    /** Its ID attribute: 'ID' for SAML 2.0 (the default), 'AssertionID' for SAML 1.1. */
    idAttribute?: string;
    /**
     * Prefixes exc-c14n must render although no element or attribute name uses them, e.g. a prefix
     * only used inside an xsi:type value (Exclusive XML Canonicalization 1.0, section 3: InclusiveNamespaces).
     */
    inclusiveNamespaces?: string[];
  };
  /** Where the ds:Signature goes, e.g. after the Issuer (SAML core 5.4.1 and schema order). */
  location: { reference: string; action: 'append' | 'prepend' | 'before' | 'after' };
  signatureAlgorithm?: SignatureAlgorithmName;
  digestAlgorithm?: DigestAlgorithmName;
}

const TRANSFORMS = [ALGORITHMS.envelopedSignature, ALGORITHMS.excC14n];

/** An enveloped signature over one element of a serialized document, with the key's certificate in KeyInfo/X509Data (xml-crypto). */
export function signXml(xml: string, options: SignXmlOptions): string {
  const idAttribute = options.reference.idAttribute ?? 'ID';
  assertName(idAttribute);
  const { certBase64 } = options.key.published;
  const signer = new SignedXml({
    // node's Sign.sign() takes the KeyObject as is: no PEM is parsed per signature.
    privateKey: options.key.privateKey,
    idAttribute: extraIdAttribute(idAttribute),
    canonicalizationAlgorithm: ALGORITHMS.excC14n,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[options.signatureAlgorithm ?? 'rsa-sha256'],
    // xml-crypto builds X509Data only from a PEM publicCert; the base64 DER is already at hand.
    getKeyInfoContent: (args) => {
      const p = args?.prefix ? `${args.prefix}:` : '';
      return `<${p}X509Data><${p}X509Certificate>${certBase64}</${p}X509Certificate></${p}X509Data>`;
    },
  });
  signer.addReference({
    // Only an element that already carries its ID attribute, and only when exactly one matches:
    // otherwise xml-crypto would invent an `Id` attribute, or add one Reference per match.
    xpath: `(${options.reference.xpath})[@${idAttribute}][last() = 1]`,
    transforms: TRANSFORMS,
    digestAlgorithm: DIGEST_ALGORITHMS[options.digestAlgorithm ?? 'sha256'],
    ...(options.reference.inclusiveNamespaces ? { inclusiveNamespacesPrefixList: options.reference.inclusiveNamespaces } : {}),
  });
  signer.computeSignature(xml, { prefix: 'ds', location: options.location });
  return signer.getSignedXml();
}

function assertName(name: string): void {
  if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new Error(`signXml: ${name} is not an attribute name`);
}
