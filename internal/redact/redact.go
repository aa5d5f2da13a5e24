// Package redact removes credentials from text bound for logs and Redis.
package redact

import "regexp"

// secretParam matches credentials the WeChat library puts in URLs, which
// end up in its error messages.
var secretParam = regexp.MustCompile(`((?:access_token|secret)=)[^&\s"']+`)

// Secrets replaces access tokens and app secrets in s by REDACTED.
func Secrets(s string) string { return secretParam.ReplaceAllString(s, "${1}REDACTED") }
