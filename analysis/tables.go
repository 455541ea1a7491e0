package analysis

// Immutable tables used by normalization and tokenizing. They are built
// once at package init and never written afterwards.

// hanDigit is the digit a Chinese numeral reads as when read digit by
// digit (幺 is 1 when reading out phone numbers; 〇 and 零 are 0), or 0. A
// switch, not a map: it runs for every Han character tokenized, and a map
// lookup was a fifth of tokenizing Chinese.
func hanDigit(r rune) byte {
	switch r {
	case '零', '〇':
		return '0'
	case '一', '幺', '壹':
		return '1'
	case '二', '贰':
		return '2'
	case '三', '叁':
		return '3'
	case '四', '肆':
		return '4'
	case '五', '伍':
		return '5'
	case '六', '陆':
		return '6'
	case '七', '柒':
		return '7'
	case '八', '捌':
		return '8'
	case '九', '玖':
		return '9'
	}
	return 0
}

// hanUnit is the value of a positional numeral: a run holding one is a compound number
// (三十五 = 35), not a digit string.
func hanUnit(r rune) int {
	switch r {
	case '十', '拾':
		return 10
	case '百', '佰':
		return 100
	case '千', '仟':
		return 1000
	case '万':
		return 10000
	}
	return 0
}

// enDigits are English digit words; "oh" only counts next to another digit.
var enDigits = map[string]byte{"zero": '0', "oh": '0', "one": '1', "two": '2',
	"three": '3', "four": '4', "five": '5', "six": '6', "seven": '7', "eight": '8', "nine": '9'}

// repeatWords say how many times the next spoken digit counts ("double
// zero" is 00 in phone numbers).
var repeatWords = map[string]int{"double": 2, "triple": 3}

// enNumbers are English number words read as one number.
var enNumbers = map[string]int{"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}

// fillers are hesitation sounds ASR emits between words; they are dropped
// so they never break a phrase or a digit run. isFillerRune mirrors the Han
// ones.
var fillers = map[string]bool{"嗯": true, "呃": true, "额": true, "啊": true, "哦": true,
	"唉": true, "诶": true, "哎": true, "um": true, "uh": true, "umm": true, "uhm": true,
	"erm": true, "er": true, "hmm": true, "mm": true, "ah": true}

// wordInfo is what the tables above say about one English word, looked up
// once per word (specialWords) instead of once per table.
type wordInfo struct {
	filler bool
	digit  byte   // enDigits
	repeat uint8  // repeatWords
	number uint16 // enNumbers
	// numeral: a Han token that is a digit, a positional numeral or 两.
	numeral bool
}

// numberWord reports a token markNumbers may read together with others.
func (wi wordInfo) numberWord() bool {
	return wi.numeral || wi.digit != 0 || wi.number > 0 || wi.repeat > 0
}

// specialWords merges the English word tables; maxSpecialWord is the
// longest key, so longer words skip the lookup.
var specialWords, maxSpecialWord = func() (map[string]wordInfo, int) {
	m := map[string]wordInfo{}
	longest := 0
	upd := func(w string, f func(*wordInfo)) {
		wi := m[w]
		f(&wi)
		m[w] = wi
		longest = max(longest, len(w))
	}
	for w := range fillers {
		if w[0] < 0x80 {
			upd(w, func(wi *wordInfo) { wi.filler = true })
		}
	}
	for w, d := range enDigits {
		upd(w, func(wi *wordInfo) { wi.digit = d })
	}
	for w, n := range enNumbers {
		upd(w, func(wi *wordInfo) { wi.number = uint16(n) })
	}
	for w, n := range repeatWords {
		upd(w, func(wi *wordInfo) { wi.repeat = uint8(n) })
	}
	return m, longest
}()

// specialShapes has bit n of entry c set when a special word of n letters
// starts with c, specialEnds when one ends with c: most words skip the map.
var specialShapes, specialEnds = func() (first, last [256]uint32) {
	for w := range specialWords {
		first[w[0]] |= 1 << len(w)
		last[w[len(w)-1]] |= 1 << len(w)
	}
	return first, last
}()

// lookupWord returns the table entries of a normalized English word.
func lookupWord(w string) wordInfo {
	if len(w) == 0 || len(w) > maxSpecialWord {
		return wordInfo{}
	}
	if bit := uint32(1) << len(w); specialShapes[w[0]]&bit == 0 || specialEnds[w[len(w)-1]]&bit == 0 {
		return wordInfo{}
	}
	return specialWords[w]
}
