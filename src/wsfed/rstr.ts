// The wresult of a wsignin1.0 answer (WS-Federation 1.2 section 13.2.3): a WS-Trust (February 2005)
// RequestSecurityTokenResponse carrying the signed token, as WIF/OWIN/ADFS relying parties read it.
import { canonicalize } from '../xml/canonical.js';
import { element } from '../xml/nodes.js';
import { NS } from '../xml/namespaces.js';
import { xsDateTime } from '../saml/ids.js';
import { KEY_TYPE_BEARER, REQUEST_TYPE_ISSUE, WSFED_NS } from './namespaces.js';

export interface RstrInput {
  /** The signed assertion, exactly as signAssertion or signSaml11Assertion returned it. */
  signedToken: string;
  tokenType: string;
  /** The relying party's realm (wsp:AppliesTo). */
  appliesTo: string;
  created: Date;
  expires: Date;
}

export function buildRstr(input: RstrInput): string {
  const t = (name: string, children: Parameters<typeof element>[3]) => element(WSFED_NS.trust, `t:${name}`, {}, children);
  const wsu = (name: string, date: Date) => element(WSFED_NS.wsu, `wsu:${name}`, {}, [xsDateTime(date)]);
  const address = element(NS.wsa, 'wsa:EndpointReference', {}, [element(NS.wsa, 'wsa:Address', {}, [input.appliesTo])]);
  const rstr = t('RequestSecurityTokenResponse', [
    t('Lifetime', [wsu('Created', input.created), wsu('Expires', input.expires)]),
    element(WSFED_NS.wsp, 'wsp:AppliesTo', {}, [address]),
    // The token travels as the bytes that were signed: its canonical form, emitted verbatim.
    t('RequestedSecurityToken', [{ canonical: input.signedToken }]),
    t('TokenType', [input.tokenType]),
    t('RequestType', [REQUEST_TYPE_ISSUE]),
    t('KeyType', [KEY_TYPE_BEARER]),
  ]);
  return canonicalize(rstr);
}
