package zh

// maxNumber caps ParseNumber: nothing the bot counts (quantities, buildings,
// rooms, prices) comes close, and the cap also rules out overflow.
const maxNumber = 1_000_000

// Values in numeralValue: 0–9 are digits; unit10, unit100 and unit1000 are
// place-value characters; twenty is 廿, a digit and unit fused into one.
const (
	unit10   = 10
	unit100  = 100
	unit1000 = 1000
	twenty   = -20
)

var numeralValue = map[rune]int{
	'零': 0, '〇': 0,
	'一': 1, '壹': 1, '幺': 1,
	'二': 2, '贰': 2, '两': 2, '兩': 2, '俩': 2, '倆': 2,
	'三': 3, '叁': 3,
	'四': 4, '肆': 4,
	'五': 5, '伍': 5,
	'六': 6, '陆': 6,
	'七': 7, '柒': 7,
	'八': 8, '捌': 8,
	'九': 9, '玖': 9,
	'十': unit10, '拾': unit10,
	'百': unit100, '佰': unit100,
	'千': unit1000, '仟': unit1000,
	'廿': twenty,
}

// IsDigitRune reports whether r is an ASCII digit or one of the Chinese
// numeral characters ParseNumber accepts (零〇一二三四五六七八九十百千, 两兩俩倆,
// the financial forms 壹贰叁肆伍陆柒捌玖拾佰仟, 廿 and 幺). Callers use it to
// find a maximal run of number characters before handing the run to
// ParseNumber; a run made only of such characters may still fail to parse.
func IsDigitRune(r rune) bool {
	if '0' <= r && r <= '9' {
		return true
	}
	_, ok := numeralValue[r]
	return ok
}

// ParseNumber parses the whole of s as a non-negative integer no greater
// than 1,000,000 and reports whether it succeeded. s may be:
//
//   - ASCII digits only, e.g. "12" or "0501" (full-width digits must be
//     folded with Fold first);
//   - Chinese numerals with place values, e.g. 十, 十二, 二十三, 一百零五,
//     两百, 三千零一, 廿三, 壹佰贰拾, and the spoken shorthand 一百五 (150)
//     and 两千三 (2300), where a final digit right after 百 or 千 counts in
//     the next lower place;
//   - Chinese digits read one at a time, as people say room and phone
//     numbers: 五零一 = 501, 一〇二 = 102, 幺零一 = 101.
//
// 两/兩/俩/倆 mean 2 and 幺 means 1 wherever a digit is allowed. Empty input,
// signs, other characters, malformed numerals (二十x, 百百, 一百零) and strings
// mixing ASCII digits with Chinese numerals (1百) all return ok == false.
func ParseNumber(s string) (n int, ok bool) {
	if s == "" {
		return 0, false
	}
	ascii, chinese, units := false, false, false
	for _, r := range s {
		if '0' <= r && r <= '9' {
			ascii = true
			continue
		}
		v, isNumeral := numeralValue[r]
		if !isNumeral {
			return 0, false
		}
		chinese = true
		if v >= unit10 || v == twenty {
			units = true
		}
	}
	switch {
	case ascii && chinese:
		return 0, false
	case ascii:
		return parseDigits(s, func(r rune) int { return int(r - '0') })
	case !units:
		return parseDigits(s, func(r rune) int { return numeralValue[r] })
	default:
		return parsePlaceValue(s)
	}
}

// parseDigits reads s as a plain sequence of decimal digits; s has already
// been checked to contain only digits of the kind digit understands.
func parseDigits(s string, digit func(rune) int) (int, bool) {
	n := 0
	for _, r := range s {
		n = n*10 + digit(r)
		if n > maxNumber {
			return 0, false
		}
	}
	return n, true
}

// parsePlaceValue reads numerals such as 三千零五十 where each digit is
// followed by a strictly smaller unit than the previous one, and 零 marks one
// or more skipped places.
func parsePlaceValue(s string) (int, bool) {
	const noUnit = 10000 // larger than any unit, so the first unit always fits
	total := 0
	lastUnit := noUnit
	pending := -1 // digit waiting for its unit, or -1
	sawZero := false
	for _, r := range s {
		v := numeralValue[r]
		switch {
		case v == 0:
			// A zero only makes sense between a unit and a later digit;
			// leading, doubled or digit-adjacent zeros are rejected.
			if lastUnit == noUnit || pending >= 0 || sawZero {
				return 0, false
			}
			sawZero = true
		case v < unit10 && v != twenty:
			if pending >= 0 {
				return 0, false
			}
			pending = v
		default:
			unit, digit := v, pending
			if v == twenty {
				if pending >= 0 {
					return 0, false
				}
				unit, digit = unit10, 2
			}
			if digit < 0 {
				// Only a leading 十 may omit its 一 (十二 = 12); a bare 百 or
				// 千 is not how people write numbers.
				if unit != unit10 || lastUnit != noUnit {
					return 0, false
				}
				digit = 1
			}
			if unit >= lastUnit || (sawZero && unit*10 >= lastUnit) {
				return 0, false
			}
			total += digit * unit
			lastUnit, pending, sawZero = unit, -1, false
		}
	}
	if pending >= 0 {
		if !sawZero && lastUnit > unit10 {
			pending *= lastUnit / 10 // 一百五 = 150
		}
		total += pending
	} else if sawZero {
		return 0, false // trailing 零, as in 一百零
	}
	return total, total <= maxNumber
}
