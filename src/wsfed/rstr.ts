// The wresult of a wsignin1.0 answer (WS-Federation 1.2 section 13.2.3): a WS-Trust (February 2005)
// RequestSecurityTokenResponse carrying the signed token, as WIF/OWIN/ADFS relying parties read it.
import { create, fragment } from 'xmlbuilder2';
import { NS } from '../xml/namespaces.js';
import { END_OPTIONS } from '../saml/assertion.js';
import { xsDateTime } from '../saml/ids.js';
import { KEY_TYPE_BEARER, REQUEST_TYPE_ISSUE, WSFED_NS } from './namespaces.js';

export interface RstrInput {
  /** The signed assertion, exactly as signXml returned it. */
  signedToken: string;
  tokenType: string;
  /** The relying party's realm (wsp:AppliesTo). */
  appliesTo: string;
  created: Date;
  expires: Date;
}

export function buildRstr(input: RstrInput): string {
  const t = WSFED_NS.trust;
  const rstr = create().ele(t, 't:RequestSecurityTokenResponse');
  const lifetime = rstr.ele(t, 't:Lifetime');
  lifetime.ele(WSFED_NS.wsu, 'wsu:Created').txt(xsDateTime(input.created));
  lifetime.ele(WSFED_NS.wsu, 'wsu:Expires').txt(xsDateTime(input.expires));
  rstr
    .ele(WSFED_NS.wsp, 'wsp:AppliesTo')
    .ele(NS.wsa, 'wsa:EndpointReference')
    .ele(NS.wsa, 'wsa:Address')
    .txt(input.appliesTo);
  rstr.ele(t, 't:RequestedSecurityToken').import(fragment(input.signedToken));
  rstr.ele(t, 't:TokenType').txt(input.tokenType);
  rstr.ele(t, 't:RequestType').txt(REQUEST_TYPE_ISSUE);
  rstr.ele(t, 't:KeyType').txt(KEY_TYPE_BEARER);
  const xml = rstr.end(END_OPTIONS);
  // The token must travel as the bytes that were signed; should re-serialization ever change them, fail here.
  if (!xml.includes(input.signedToken)) throw new Error('the signed token did not survive embedding byte for byte');
  return xml;
}
