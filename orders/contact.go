package orders

import "strings"

// MaskPhone shows a phone number as 138****5678: enough to recognise, not
// to copy off a printed sheet. It keeps the digits only (dropping a +86 or
// 86 prefix of a mobile number), then the first three and last four of
// them; a number with fewer than 8 digits becomes "****" and "" stays "".
func MaskPhone(p string) string {
	d := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		if c := p[i]; '0' <= c && c <= '9' {
			d = append(d, c)
		}
	}
	if len(d) == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1' {
		d = d[2:]
	}
	switch {
	case strings.TrimSpace(p) == "":
		return ""
	case len(d) < 8:
		return "****"
	}
	return string(d[:3]) + "****" + string(d[len(d)-4:])
}
