package triage

import "strings"

// stopWords are, per language, frequent function words that are rare in
// the other languages: a Dutch text is full of "het", "niet", "ik", an
// English one of "the", "not", "you". Words that are common to two of the
// languages ("is", "was", "in", "we", "of", "die", "de", "en") are left out,
// so every hit is evidence for one language. A language is added by adding
// its list.
var stopWords = map[string][]string{
	"nl": strings.Fields(`het een van ik je jij u wij zij ze zijn niet met op aan voor dat
		dit deze er maar ook als bij om naar hebben heb heeft wordt worden werd kan kunt
		kunnen moet moeten zal zou nog wel geen mijn uw onze jullie ons hem haar hun wat
		wie waar hoe waarom omdat toch door uit tot nu ben bent graag hier daar veel even
		zo dus al alle alleen want wanneer tegen heel erg hebt gaat ga komt kwam gisteren
		vandaag morgen nooit niets iets mij jou`),
	"en": strings.Fields(`the a and to is are were be been i you he she they it this that
		these those not with on at for from by but or if my your our their have has do does
		did will would can could should there what which who when where why how about no yes
		than then just also very any please thank thanks me us him her them its
		never nothing something yesterday today tomorrow`),
	"de": strings.Fields(`der das und ist nicht ich sie wir ein eine mit auf fur zu dem des
		von es sich auch wie bei oder aber wenn noch nur sehr hat haben wird werden kann
		konnen bitte danke ihr ihre mein meine uns euch nach uber schon gestern heute`),
	"fr": strings.Fields(`le la les un une et est pas je vous nous il elle ils du des que
		qui dans pour avec sur ce cette mais ou si ne plus tres bien mon ma mes votre vos
		notre merci bonjour avons avez sont ete hier aujourd`),
}

// stopIndex maps a word to the languages whose list holds it.
var stopIndex = func() map[string][]string {
	m := map[string][]string{}
	for lang, words := range stopWords {
		for _, w := range words {
			m[w] = append(m[w], lang)
		}
	}
	return m
}()

// The evidence Language needs before it leaves the default: enough stop
// words of the winning language, and clearly more than of the runner-up.
const (
	languageMinHits = 4
	languageMargin  = 2 // the winner has at least this many times the runner-up's hits
)

// Language returns the language of text among offered (codes such as "nl",
// "en"; the first is the organisation's default). It counts the stop words
// of each offered language in the author's own text (quotes and signature
// left out, unless the author wrote only a line above a forward) and returns
// the clear winner; a short text, a mixed one, or one in none of the offered
// languages gets the default. offered empty returns "".
func Language(text string, offered []string) string {
	if len(offered) == 0 {
		return ""
	}
	// Quoted text below a line or two of the author's own (a forward, a
	// "see below") is read too: the author's few words do not say much.
	b := splitBody(truncate(text, maxRead), true)
	lines := b.own
	if wordCount(lines) <= ownWordsBeforeForward && len(b.forwarded) > 0 {
		lines = append(lines, b.forwarded...)
	}
	hits := make(map[string]int, len(offered))
	for _, cl := range clauses(strings.Join(lines, "\n")) {
		for _, w := range cl.words {
			for _, lang := range stopIndex[w] {
				hits[lang]++
			}
		}
	}
	best, bestHits, second := offered[0], -1, 0
	for _, o := range offered {
		n := hits[baseLanguage(o)]
		switch {
		case n > bestHits:
			second = max(second, bestHits)
			best, bestHits = o, n
		case n > second:
			second = n
		}
	}
	if bestHits < languageMinHits || bestHits < languageMargin*second {
		return offered[0]
	}
	return best
}

// baseLanguage reduces "nl-BE" or "NL" to "nl".
func baseLanguage(code string) string {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	return code
}
