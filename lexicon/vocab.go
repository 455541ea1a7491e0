package lexicon

// Category is a policed category: a rule's category is one of the
// constants below (Rule.Category holds the string).
type Category string

// The categories, in the order docs/lexicon.md and Categories list them.
const (
	PrivateGoods   Category = "private-goods"
	MedicalClaim   Category = "medical-claim"
	AbsoluteClaim  Category = "absolute-claim"
	GuaranteeClaim Category = "guarantee-claim"
	FalseAuthority Category = "false-authority"
	PriceFraud     Category = "price-fraud"
)

// Severity is how grave a rule's violation is: a rule's severity is one
// of the constants below (Rule.Severity holds the string).
type Severity string

// The severities, from the least to the most severe.
const (
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Term is one value of a closed vocabulary of the format, with a label (in
// English and Chinese) and what it means, as pages and error messages list
// it.
type Term struct {
	ID          string
	Label       string
	LabelZH     string
	Description string
}

// Categories lists every category, with what it polices. It is the one
// list: validation, the HTTP API (GET /v1/lexicons/schema) and the pages
// read it. The caller owns the slice.
func Categories() []Term {
	return []Term{
		{string(PrivateGoods), "Off-platform trading", "站外交易", "Leading viewers off the platform to trade: WeChat, QQ or phone contacts, private payment, bank transfers."},
		{string(MedicalClaim), "Medical claim", "医疗宣称", "Claims that a product cures, treats or prevents disease, or medical terms for a non-medical product."},
		{string(AbsoluteClaim), "Absolute claim", "极限用语", "Superlatives and rankings the advertising law forbids: the best, number one, world-class."},
		{string(GuaranteeClaim), "Guarantee claim", "功效保证", "Guaranteed effects, promised results or speed of effect, refunds promised as proof of efficacy."},
		{string(FalseAuthority), "False authority", "虚假权威", "Claimed endorsement by the state, leaders, media, doctors or hospitals, and special-supply claims."},
		{string(PriceFraud), "Price fraud", "价格欺诈", "Lowest-price claims, slashed-price slogans, false time pressure and false scarcity."},
	}
}

// Severities lists every severity from the least to the most severe.
func Severities() []Term {
	return []Term{
		{string(SeverityInfo), "Info", "提示", "Worth noting; no reminder is needed."},
		{string(SeverityLow), "Low", "低", "A minor slip; a reminder is enough."},
		{string(SeverityMedium), "Medium", "中", "A clear violation of the platform rules."},
		{string(SeverityHigh), "High", "高", "A serious violation: review the alert."},
		{string(SeverityCritical), "Critical", "严重", "A violation of the law or a danger to viewers: act at once."},
	}
}

// Languages lists the languages a rule may be limited to.
func Languages() []Term {
	return []Term{
		{"zh", "Chinese", "中文", "Segments with Han characters or Chinese-only spellings (vx, weixin)."},
		{"en", "English", "英文", "Segments with Latin words."},
	}
}

// PatternKinds lists what a rule's patterns can be.
func PatternKinds() []Term {
	return []Term{
		{"phrase", "Phrase", "短语", "Words or characters, matched on text, pinyin and sound (phrase: ..., or a plain string)."},
		{"digits", "Digit run", "数字串", "Any run of at least N digits, written or spoken (digits: N)."},
		{"contact", "Contact handle", "联系方式", "An e-mail address, web address or account id read out or written (contact: KIND)."},
	}
}

// ContactKinds lists what a contact pattern finds (contact: KIND).
func ContactKinds() []Term {
	return []Term{
		{"email", "E-mail address", "电子邮箱", "user at domain dot com, written or spoken (at, 艾特, dot, 点)."},
		{"url", "Web address", "网址", "w w w dot shop dot com, shop.com/x, 点 com."},
		{"handle", "Account id", "账号", "An account id read one letter or digit at a time (j o h n 8 8)."},
	}
}

// ids are the IDs of terms, in order.
func ids(terms []Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.ID
	}
	return out
}
