package orders

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/baogong/baogong/internal/zh"
)

// Address is a household's door: building (栋), unit (单元, may be empty in
// buildings without units) and room.
type Address struct {
	Building string `json:"building"`
	Unit     string `json:"unit"`
	Room     string `json:"room"`
}

// String renders the address the way residents write it: 3栋2单元501.
func (a Address) String() string {
	if a.Unit == "" {
		return a.Building + "栋" + a.Room
	}
	return a.Building + "栋" + a.Unit + "单元" + a.Room
}

// Entrance is where the household's door is reached from, without the
// door: 3栋2单元 (or 3栋). Volunteers are named by it, goods left at it.
func (a Address) Entrance() string {
	if a.Unit == "" {
		return a.Building + "栋"
	}
	return a.Building + "栋" + a.Unit + "单元"
}

// Household is the address as a compact key, 3-2-501; it identifies a
// household for limits and indexes.
func (a Address) Household() string {
	return a.Building + "-" + a.Unit + "-" + a.Room
}

// IsZero reports whether a holds no address.
func (a Address) IsZero() bool { return a == Address{} }

// ParseHousehold is the inverse of Address.Household.
func ParseHousehold(s string) (Address, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return Address{}, fmt.Errorf("household %q: %w", s, ErrInvalid)
	}
	return Address{Building: parts[0], Unit: parts[1], Room: parts[2]}, nil
}

// A number as people type it in an address: digits or Chinese numerals.
// The financial forms (壹贰叁 …) appear in addresses typed by older people.
const numClass = `[0-9零〇一二三四五六七八九十百两幺壹贰叁肆伍陆柒捌玖拾佰]`

// reAddress finds 3栋2单元501, 3号楼2单元501室, 3-2-501, 3#2门501, 三栋二单元501,
// 3幢501, 3栋-2-501, 3/2/501 in folded text. Candidates are checked further in
// FindAddress.
var reAddress = regexp.MustCompile(
	`(` + numClass + `{1,5})\s*(号楼|栋楼|栋|幢|号|楼|座|#|-|/)\s*(?:-\s*)?` +
		`(?:(` + numClass + `{1,4})\s*(单元|单|门|-|/)\s*(?:-\s*)?)?` +
		`(?:` + numClass + `{1,2}\s*(?:楼|层)\s*)?` + // a floor: 6栋2单元15楼1501
		`(` + numClass + `{1,5})\s*(室|房|号)?`)

// reUnitRoom finds a unit and a room without a building, 2单元501 or
// 2门501室, for lines whose building comes from the context.
var reUnitRoom = regexp.MustCompile(
	`(` + numClass + `{1,2})\s*(?:单元|门)\s*(?:-\s*)?(` + numClass + `{1,5})\s*(室|房|号)?`)

// reRoomOnly finds a room number standing alone, for lines that rely on the
// context for building and unit: "501 蔬菜包2份", "1202室 鸡蛋1盒".
var reRoomOnly = regexp.MustCompile(`([0-9]{3,4}|[零〇一二三四五六七八九幺]{3,4})(\s*(?:室|房|号))?`)

// AddressMatch is an address found inside a longer text.
type AddressMatch struct {
	Address
	// Start and End are byte offsets of the address in the folded text
	// (see zh.Fold) that FindAddress was given.
	Start, End int
	// short marks a building and a room joined by a dash alone, 5-501,
	// which under a known building (a "6栋" group) means unit 5 room 501.
	short bool
}

// FindAddress returns the first address in folded text s. When known is not
// nil an address counts only if known accepts its building, which lets
// "蔬菜包25栋1单元101" resolve to building 5 when the community has no
// building 25.
func FindAddress(s string, known func(building string) bool) (AddressMatch, bool) {
	if !strings.ContainsAny(s, "号栋幢楼座#-/") {
		return AddressMatch{}, false // no separator: spare the regexp
	}
	for _, m := range reAddress.FindAllStringSubmatchIndex(s, -1) {
		// Digits glued to the match on either side belong to something
		// else, such as a phone number. Glued: right after the room or
		// its 室, not after the spaces the match takes with it (3-1-103
		// 2份蔬菜包 is room 103 and two packs).
		end := m[11]
		if m[12] >= 0 {
			end = m[13]
		}
		if end < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[end:]); isASCIIDigit(r) {
				continue
			}
		}
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		bRaw, bMark, unitRaw, roomRaw, roomMark := group(1), group(2), group(3), group(5), group(6)
		unit, ok := number(unitRaw, 1, 99)
		if unitRaw == "" {
			unit, ok = "", true
		}
		if !ok {
			continue
		}
		// A bare short number after a dash is a quantity or a date more
		// often than a room: 1-2 is not building 1 room 2.
		if roomMark == "" && utf8.RuneCountInString(roomRaw) < 3 {
			continue
		}
		room, ok := number(roomRaw, 1, 99999)
		if !ok {
			continue
		}
		start := m[2]
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:start]); isASCIIDigit(r) {
				continue
			}
		}
		// Try the building as written, then drop leading digits that
		// may belong to a quantity typed right before it.
		for i := 0; i < len(bRaw); {
			b, ok := number(bRaw[i:], 1, 9999)
			if ok && (known == nil || known(b)) && (i == 0 || isASCIIDigitString(bRaw[:i])) {
				return AddressMatch{Address: Address{Building: b, Unit: unit, Room: room}, Start: start + i, End: m[1],
					short: (bMark == "-" || bMark == "/") && unitRaw == ""}, true
			}
			_, size := utf8.DecodeRuneInString(bRaw[i:])
			i += size
		}
	}
	return AddressMatch{}, false
}

// findUnitRoom finds 2单元501 in folded text s and returns the unit, the
// room and the byte offsets of the match.
func findUnitRoom(s string) (unit, room string, start, end int, ok bool) {
	if !strings.ContainsAny(s, "单门") {
		return "", "", 0, 0, false
	}
	for _, m := range reUnitRoom.FindAllStringSubmatchIndex(s, -1) {
		if m[2] > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:m[2]]); zh.IsDigitRune(r) {
				continue
			}
		}
		if m[1] < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[m[1]:]); isASCIIDigit(r) {
				continue
			}
		}
		roomRaw := s[m[4]:m[5]]
		if m[6] < 0 && utf8.RuneCountInString(roomRaw) < 3 {
			continue
		}
		u, ok1 := number(s[m[2]:m[3]], 1, 99)
		r, ok2 := number(roomRaw, 1, 99999)
		if ok1 && ok2 {
			return u, r, m[2], m[1], true
		}
	}
	return "", "", 0, 0, false
}

// findRoom finds a room number standing alone, 501 or 1202室, in folded
// text s: three or four digits that are not part of a longer number and
// not a quantity (100份) or a count (126户). A number glued to a letter
// (小王2021) is taken only when there is no other, and reported as glued.
func findRoom(cat unitLookup, s string) (room string, start, end int, glued, ok bool) {
	firstGlued := -1
	ms := reRoomOnly.FindAllStringSubmatchIndex(s, -1)
	for k, m := range ms {
		if m[2] > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:m[2]]); zh.IsDigitRune(r) || r == '-' || r == '#' {
				continue
			}
		}
		after := s[m[3]:]
		if m[4] < 0 {
			if r, _ := utf8.DecodeRuneInString(after); zh.IsDigitRune(r) || r == '-' || r == '#' {
				continue
			}
			if t := strings.TrimLeft(after, " "); (cat != nil && cat(t)) || hasCountWord(t) {
				continue // 100份, 126户, 2022年
			}
		}
		if _, ok := number(s[m[2]:m[3]], 1, 9999); !ok {
			continue
		}
		if m[2] > 0 && m[4] < 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:m[2]]); unicode.IsLetter(r) {
				if firstGlued < 0 {
					firstGlued = k
				}
				continue
			}
		}
		room, _ = number(s[m[2]:m[3]], 1, 9999)
		return room, m[2], m[1], false, true
	}
	if firstGlued >= 0 {
		m := ms[firstGlued]
		room, _ = number(s[m[2]:m[3]], 1, 9999)
		return room, m[2], m[1], true, true
	}
	return "", 0, 0, false, false
}

// countWords follow numbers that count or date things, never a room.
var countWords = []string{"户", "人", "元", "块", "点", "分", "年", "月", "日", "天", "岁", "楼", "层", "号楼", "栋", "幢", "单元"}

func hasCountWord(s string) bool {
	for _, w := range countWords {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// unitLookup reports whether s starts with a unit word (份, 盒 …).
type unitLookup func(s string) bool

// ParseAddress reads a whole text as one address, e.g. the argument of
// "绑定". It folds the text first.
func ParseAddress(text string, known func(building string) bool) (Address, error) {
	s := zh.Fold(text)
	m, ok := FindAddress(s, known)
	if !ok {
		return Address{}, fmt.Errorf("address %q: %w", text, ErrInvalid)
	}
	return m.Address, nil
}

// number parses a numeral within [lo, hi] and renders it in decimal.
func number(s string, lo, hi int) (string, bool) {
	n, ok := zh.ParseNumber(s)
	if !ok || n < lo || n > hi {
		return "", false
	}
	return strconv.Itoa(n), true
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func isASCIIDigitString(s string) bool {
	for _, r := range s {
		if !isASCIIDigit(r) {
			return false
		}
	}
	return s != ""
}

// AddressLess orders addresses the way a building is walked: building,
// unit, then room, each numerically ("3" before "12").
func AddressLess(a, b Address) bool {
	if c := compareNatural(CanonicalBuilding(a.Building), CanonicalBuilding(b.Building)); c != 0 {
		return c < 0
	}
	if c := compareNatural(a.Unit, b.Unit); c != 0 {
		return c < 0
	}
	if c := compareNatural(a.Room, b.Room); c != 0 {
		return c < 0
	}
	return a.Household() < b.Household()
}
