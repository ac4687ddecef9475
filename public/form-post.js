// Auto-submits the HTTP-POST binding form (SAML 2.0 bindings 3.5.4; WS-Fed passive requestor).
document.getElementById('form-post').submit();
