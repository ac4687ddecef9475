// Every error code fedmeta raises, as one closed union: a stable snake_case string per failure that
// clients and tests match on. The classes and factories that carry them are in src/errors.ts.

/**
 * The codes the token endpoint answers with as they are: RFC 6749 section 5.2, plus
 * temporarily_unavailable (RFC 6749 4.1.2.1) and too_many_requests for its throttle.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'too_many_requests';

/** Requests, resources and state: the Management API's errorCode values and the HTML error pages'. */
export type RequestErrorCode =
  | 'invalid_request'
  | 'invalid_body'
  | 'invalid_query_string'
  | 'admin_not_allowed'
  | 'bad_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'csrf_rejected'
  | 'idp_initiated_disabled'
  | 'login_expired'
  | 'not_found'
  | 'key_not_found'
  | 'api_client_not_found'
  | 'log_stream_not_found'
  | 'log_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'key_state_conflict'
  | 'key_still_in_use'
  | 'next_key_too_young'
  | 'rollover_not_ready'
  | 'cannot_remove_own_admin'
  | 'cannot_change_own_account'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests';

/** Our own faults: answered as 5xx without their message (503 keeps its operational one). */
export type ServerErrorCode =
  | 'internal_error'
  | 'service_unavailable'
  | 'key_unavailable'
  | 'key_set_corrupt'
  | 'key_set_incomplete'
  | 'key_exists'
  | 'saml_sp_certificate_invalid';

/** Refusals of untrusted XML (src/xml/parse.ts, src/xml/sign.ts). */
export type XmlErrorCode =
  | 'xml_too_large'
  | 'xml_too_deep'
  | 'xml_too_many_elements'
  | 'xml_encoding_unsupported'
  | 'xml_doctype_forbidden'
  | 'xml_entity_forbidden'
  | 'xml_pi_forbidden'
  | 'xml_malformed'
  | 'xml_multiple_roots'
  | 'xml_content_outside_root'
  | 'xml_unexpected_root'
  | 'xml_signature_missing'
  | 'xml_signature_invalid'
  | 'xml_signature_algorithm_not_allowed';

/** Every code a refused SAML request carries; see authn-request.ts and logout-request.ts for when. */
export type SamlRequestErrorCode =
  // decoding and signatures (this file)
  | 'saml_request_too_large'
  | 'saml_request_bad_encoding'
  | 'saml_request_bad_deflate'
  | 'saml_request_missing'
  | 'saml_request_duplicate_parameter'
  | 'saml_signature_missing'
  | 'saml_signature_invalid'
  | 'saml_signature_algorithm_not_allowed'
  // the request's XML
  | 'saml_request_missing_attribute'
  | 'saml_request_invalid_attribute'
  | 'saml_request_invalid_id'
  | 'saml_request_invalid_issue_instant'
  | 'saml_request_invalid_element'
  | 'saml_request_unexpected_content'
  | 'saml_request_issuer_missing'
  | 'saml_request_issuer_invalid'
  | 'saml_logout_name_id_missing'
  | 'saml_logout_name_id_invalid'
  | 'saml_logout_identifier_not_supported'
  // the application: no place to answer, so always plain
  | 'saml_app_not_configured'
  | 'saml_request_unknown_issuer'
  | 'saml_acs_not_allowed'
  | 'saml_acs_index_not_supported'
  | 'saml_logout_callback_missing'
  // answered with a SAML status at the application's URL
  | 'saml_request_unsigned'
  | 'saml_request_version_mismatch'
  | 'saml_request_unsupported_binding'
  | 'saml_request_destination_missing'
  | 'saml_request_destination_mismatch'
  | 'saml_request_expired'
  | 'saml_request_not_yet_valid'
  | 'saml_no_passive'
  // raised by the HTTP layer: a signed request's ID seen before
  | 'saml_request_replayed';

/** Refusals of a WS-Fed passive request (src/wsfed/request.ts); each is a 400 page. */
export type WsfedErrorCode =
  | 'wsfed_unsupported_action'
  | 'wsfed_unknown_realm'
  | 'wsfed_wreply_not_registered'
  | 'wsfed_wctx_too_long'
  | 'invalid_request';

/** SP metadata refused at registration beyond plain invalid_body (src/saml/sp-metadata.ts). */
export type SpMetadataErrorCode = 'sp_metadata_invalid_boolean' | 'sp_metadata_expired' | 'sp_metadata_multiple_sp_descriptors' | 'sp_metadata_invalid_date';

export type ErrorCode =
  | OAuthErrorCode
  | RequestErrorCode
  | ServerErrorCode
  | XmlErrorCode
  | SamlRequestErrorCode
  | WsfedErrorCode
  | SpMetadataErrorCode;
