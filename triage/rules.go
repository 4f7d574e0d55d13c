package triage

import (
	"fmt"
	"strings"
)

// The rule tables. The procedure defines a complaint ("klacht") as any
// written or spoken expression of dissatisfaction about the service, the
// invoice or the treatment. The groups for a complaint follow that
// definition. Four are strong, each saying on its own what a complaint is:
// the message calls itself a complaint (explicit), it expresses
// dissatisfaction, it states a grievance about the service, the invoice or
// the treatment, or it threatens to take the matter further (escalation).
// Three only support them: the writer asks for redress, draws consequences
// (leaves, goes elsewhere), or tells the story of something that went wrong
// (context; and the narrative counted in classify.go). The groups against a
// complaint are what else a general info@ mailbox receives: a supplier's
// invoice or a creditor's reminder, a quote request or a prospective
// customer, a newsletter, an appointment, a job application, thanks and
// praise, a question, an administrative change; and two that say the
// grievance is not the organisation's: it is about someone else (third
// party) or the writer's own fault. Two groups know other meanings of
// complaint words and win where they overlap: a denial ("geen klacht") and
// a mention that expresses nothing (a conditional "bij klachten", a medical
// "klachten aan mijn knie", a footer's "klachtenregeling").
//
// Weights are small integers: 6 is enough for a complaint on its own, 3 is
// a clear signal that needs another, 1 or 2 only tips the balance. A group's
// sum is bounded by its cap, so that ten angry words do not outweigh an
// invoice's payment block, and ten "afspraak" do not outweigh a stated
// grievance. Every rule counts once per message, whichever of its phrases
// matched: put phrases that say something different in different rules.
//
// Patterns are written in the language of match.go; words are folded (no
// case, no accents) and split at hyphens and apostrophes ("e mail", "no
// show"); English "n't" is read as " not"; e-mail and web addresses are not
// words.

// side says whether a group's signals speak for or against a complaint.
type side int

const (
	forComplaint side = iota
	againstComplaint
	neutral // matches that only take their words away from other rules
)

type rule struct {
	pattern string
	weight  int
}

type group struct {
	id   string
	side side
	// cap bounds the absolute value of the group's sum; 0 is no bound.
	cap int
	// overrides: the group's matches win over overlapping matches of
	// groups that do not override.
	overrides bool
	// strong: the group says what a complaint is (explicit, dissatisfaction,
	// grievance, escalation); a Complaint needs at least one strong signal.
	// The others only support or weaken.
	strong bool
	// nl and en say, for the officer, what a match of this group means.
	nl, en string
	rules  []rule
}

// explicit: the message calls itself a complaint or announces one. "klacht"
// alone is strong but not enough: "klacht" also occurs in questions about
// the procedure and in other people's words.
var explicit = &group{
	id: "explicit", side: forComplaint, strong: true, cap: 6,
	nl: "noemt zichzelf een klacht", en: "calls itself a complaint",
	rules: []rule{
		{"klacht|klachten|klachtje|klachtbrief|klachtmail", 4},
		{"beklag*", 6},
		{"klaag|klagen|klaagt|geklaagd|klaagde|klaagden", 3},
		{"klacht* indien*|ingedien*|neerleg*|neergelegd|melden|gemeld|sturen|doen|over|betreffende|inzake|omtrent|aangaande|tegen|ivm|wegens|jegens", 6},
		{"klacht* .. indien*|ingedien*|neerleggen|neergelegd", 6},
		{"ik|wij|we .. heb|hebben .. klacht*", 6},
		{"ik|wij|we .. wil|willen|wens|wensen .. klacht*, wil|willen|wens|wensen .. ik|wij|we .. klacht*", 6},
		{"mijn|onze|deze|formele|officiele|schriftelijke klacht*", 6},
		{"wil|willen|moet|moeten|ga|gaan .. ik|wij|we .. klagen, ik|wij|we .. wil|willen|moet|moeten|ga|gaan .. klagen, klagen over", 6},
		{"reclamatie|reclameren|reclameer|gereclameerd", 4},
		{"bezwaar .. tegen .. factuur|rekening|kosten|nota|behandeling|handelwijze|werkwijze, maak|maken|teken|tekenen .. bezwaar", 4},
		{"escaleren|escalatie|escalate|escalating|escalation", 3},
		{"complain*", 4},
		{"my|our|this|formal|official|written complaint*", 6},
		{"file|lodge|make|submit|raise|register|filing|lodging|making|submitting|raising .. complaint*", 6},
		{"complaint* about|regarding|concerning|against|over|re", 6},
		{"i|we .. want|wish|like|writing|write|need .. complain, i|we .. have .. complaint*", 6},
	},
}

// dissatisfaction: the writer says they are not content; the core of the
// procedure's definition. Capped at 4: feelings alone, without a grievance
// or the word complaint, may be about someone else ("the council is
// ridiculous") and are doubt at most.
var dissatisfaction = &group{
	id: "dissatisfaction", side: forComplaint, strong: true, cap: 4,
	nl: "uiting van ontevredenheid", en: "expression of dissatisfaction",
	rules: []rule{
		// Dutch
		{"ontevreden*", 3},
		{"niet .. tevreden, allesbehalve|weinig tevreden, verre van tevreden", 3},
		{"niet .. blij", 3},
		{"teleurgesteld*|teleurstell*", 3},
		{"onacceptabel|onaanvaardbaar|ontoelaatbaar|ongehoord|onbehoorlijk|ontoereikend|onbegrijpelijk|onredelijk", 3},
		{"niet acceptabel|aanvaardbaar|normaal|ok|oke|netjes|professioneel|correct|redelijk|fair|eerlijk", 3},
		{"onterecht|onrechtvaardig|oneerlijk", 2},
		{"schandalig*|schande|schandelijk*|belachelijk*|bespottelijk*|absurd*|bizar", 3},
		{"boos|kwaad|woedend|razend|furieus|nijdig|pissig|overstuur, van streek, in tranen, met tranen", 3},
		{"gefrustreerd|frustratie*|frustrerend*|geergerd|ergernis*|irritant*|geirriteerd", 3},
		{"erger|ergeren|ergerde .. me|mij|ons", 3},
		{"vervelend|vervelende", 2},
		{"balen|baal|klote|kut|waardeloos|waardeloze|bagger|rampzalig*|bedroevend*, diep triest, lekker dan", 3},
		{"jammer", 1},
		{"ben|zijn het .. zat|beu, echt|behoorlijk|helemaal|goed|flink|spuug zat|beu, spuugzat|kotsbeu|strontziek, klaar mee", 3},
		{"wat is dit nou, dit kan echt niet, dit kan toch niet, kan .. niet langer, kan zo niet, slaat nergens op, te gek voor woorden, geen woorden voor", 3},
		{"zo ga je niet .. om, zo behandel je, geen manier van doen, geen manier om, hoort niet, onder de maat|verwachting", 3},
		{"slechtste", 3},
		{"geschokt|verbijsterd|onthutst|verontwaardigd*|ontstemd|ontdaan, niet te geloven, de druppel, maat is vol, dit pik ik niet, niet over mijn kant, ik accepteer dit niet, niet akkoord, ga niet akkoord", 3},
		{"chaos|puinhoop|rommeltje|wanprestatie|wanbeleid|nalatigheid, met een kluitje in het riet, afgepoeierd", 3},
		{"ongemakkelijk|onprettig|onveilig|geschrokken|genant|zorgen, tot mijn schrik, niet prettig|fijn|leuk|oke|chic, niet de bedoeling", 2},
		{"genoeg van, te gek", 3},
		{"in de fout, jullie|uw .. fout|schuld", 3},
		{"weet wat hij|ze .. doet|doen", 3},
		{"schending|geschonden .. privacy|vertrouwen|afspraak|afspraken|beroepsgeheim, in shock", 3},
		{"kan .. zo niet doorgaan, geen oplossing", 2},
		{"niet eens .. excuses|sorry|bericht|reactie|gebeld", 2},
		{"niet waar, klopt echt niet", 2},
		{"niet .. aanraden|aanbevelen|aanbevolen, afraden|afgeraden", 3},
		{"belazerd|bedrogen|opgelicht|beetgenomen|misleid|misleidend", 3},
		{"in de steek gelaten, aan het lijntje, kastje naar de muur, niet serieus genomen", 3},
		{"voel|voelde|voelen me|mij|ons .. niet gehoord, voel|voelde|voelen me|mij|ons .. genegeerd|afgescheept", 3},
		{"vertrouwen .. geschaad|beschaamd|kwijt|weg|geschonden, geen vertrouwen meer", 3},
		{"niet mee eens, niet eens met, ben het .. oneens", 3},
		{"iets kwijt, wil .. aankaarten, snap er niks|niets van, past niet bij, dit is niet wat, begrijp|snap .. niet .. hoe|waarom, verdrietig", 2},
		{"hoe .. heeft kunnen gebeuren, hoe kan dit|het .. gebeuren", 2},
		// English
		{"dissatisf*|unsatisf*", 3},
		{"not .. satisfied|happy|pleased|impressed|acceptable|ok|okay|great|fair|reasonable|right, not good enough, far from satisfied|happy|pleased, less than .. satisfied|happy|pleased", 3},
		{"not think .. fair|reasonable|right|acceptable|ok", 3},
		{"unhappy|disappoint*|unacceptable|inacceptable|inexcusable|unreasonable|unfair", 3},
		{"outrag*|appall*|disgrace*|disgust*|furious|angry|annoyed|irritated|upset|upsets|upsetting|livid", 3},
		{"frustrat*, fed up, sick of, tired of, had enough", 3},
		{"ridiculous|absurd|shocking|shocked|terrible|awful|horrible|atrocious|dreadful|pathetic|useless|worst", 3},
		{"really|very|pretty|so .. poor, waste of .. time|money|day, below .. standard|par|expectations", 3},
		{"uncomfortable|unsafe|embarrassing|worried|worry, surprised to, can not be right, not right, not on", 2},
		{"had it", 3},
		{"got .. wrong, your .. fault|mistake|error", 3},
		{"know|knows .. what .. doing", 3},
		{"breach|breached .. privacy|trust|confidentiality|agreement", 3},
		{"can not go on, not an answer|a solution", 2},
		{"not even .. apology|sorry|call|reply|message", 2},
		{"not true, s not true", 2},
		{"dismayed|indignant|unimpressed|shambles|negligence, beyond a joke, last straw, enough is enough, will not accept, do not accept, not fit for purpose, breach of contract", 3},
		{"not .. recommend, would advise against", 3},
		{"let down, ripped off, rip off, cheated|scammed|misled|misleading", 3},
		{"not taken seriously, fobbed off, run around, pillar to post, no way to treat", 3},
		{"trust .. breached|broken|betrayed|lost|damaged", 3},
		{"do not .. agree, disagree", 2},
		{"how .. could .. happen, how .. this happened, do not understand how|why, sad", 2},
	},
}

// grievance: a stated grievance about the service, the invoice or the
// treatment: what went wrong, in the writer's words.
var grievance = &group{
	id: "grievance", side: forComplaint, strong: true, cap: 6,
	nl: "beschrijft wat er misging (dienst, factuur of behandeling)", en: "states what went wrong (service, invoice or treatment)",
	rules: []rule{
		// Dutch: the service not delivered, late, or badly done
		{"niet|nooit .. nagekomen", 3},
		{"niet .. gekomen|verschenen|opgedaagd|doorgegaan|doorgaan|doorgingen|gebeurd", 3},
		{"niet .. geleverd|uitgevoerd|afgemaakt|opgelost|gerepareerd|gedaan|schoongemaakt|opgeruimd|geleegd|afgewerkt|aangesloten|behandeld", 3},
		{"niet .. teruggebeld|gereageerd|teruggemaild|beantwoord|geantwoord, niemand .. gebeld|gemaild|gevraagd|geinformeerd", 3},
		{"niet .. verstuurd|opgestuurd|teruggestort|terugbetaald|verwerkt|gecorrigeerd", 3},
		{"niet .. komen opdagen, niet op komen dagen, kwam|kwamen|komt .. niet opdagen", 3},
		{"niemand .. gekomen|geweest|kwam|verschenen|opgedaagd|gereageerd|teruggebeld|opgenomen|opnam|opneemt|gezien|gemeld|gezegd, niemand .. terug, belt|mailt|reageert .. niemand", 3},
		{"nog steeds|altijd .. niet|niets|niks|geen|kapot|over|hetzelfde, nog niets|niks .. ontvangen|gehoord|vernomen|gezien", 3},
		{"nooit .. gereageerd|teruggebeld|antwoord|reactie|geleverd|gekomen|verstuurd|ontvangen|gehad|toestemming", 3},
		{"geen reactie|antwoord|terugkoppeling|toestemming, geen .. overleg", 2},
		{"niets|niks .. gehoord|vernomen|gemeld|gezegd|verteld", 3},
		{"onbereikbaar, slecht bereikbaar, niet te bereiken, nooit bereikbaar, in de wacht", 3},
		{"al|nu|inmiddels .. #|twee|drie|vier|vijf|meerdere|zoveel|diverse|talloze|tig keer|keren|maal .. gebeld|gemaild|gevraagd|geprobeerd|gereclameerd|aangegeven|gemeld, al|nu|inmiddels .. # gebeld|gemaild|gevraagd|gemeld", 3},
		{"tweede|derde|vierde|zoveelste keer, # keer .. verzet|afgezegd|geannuleerd|verplaatst, twee|drie keer .. verzet|afgezegd|geannuleerd|verplaatst, ondanks .. herinnering|herinneringen|toezegging|belofte|afspraak", 3},
		{"slecht|slechte|matig|matige|belabberde .. service|dienstverlening|werk|kwaliteit|communicatie|bereikbaar|bereikbaarheid|behandeling|ervaring|geholpen|uitgevoerd|advies|begeleiding|planning|informatie|geregeld|georganiseerd|schoongemaakt|gerepareerd|klantenservice", 3},
		{"belabberd|abominabel*|ondermaats*|amateuristisch*|onprofessioneel*|onzorgvuldig*|slordig*|nalatig*|knullig*|afgeraffeld|prutswerk|knoeiwerk|broddelwerk|beunhaas*|gepruts|tekortkoming*|tekortgeschoten, half werk, tekort geschoten", 3},
		{"beschadigd, schade .. veroorzaakt|aangericht|toegebracht, schade aan", 3},
		{"kras|krassen|deuk|deuken|gescheurd|gebroken|barst|scheur|vlekken|lekt|lekkage|kapot", 1},
		{"schade|schadegeval", 1},
		{"achteruit*|achteruitgegaan, minder|slechter .. geworden|gegaan, er niet beter op, overgeslagen, nog open, niet af", 2},
		{"te laat", 1},
		{"minuten|uur|uren|dagen te laat", 2},
		{"weken|maanden|uren .. gewacht|wachten|wacht, gewacht|wachten|wacht .. weken|maanden|uren", 2},
		{"niet .. zoals|wat .. afgesproken|beloofd|toegezegd|besteld|beschreven|aangeboden|verwacht, anders dan .. afgesproken|beloofd|toegezegd|besteld, niet volgens afspraak, anders|meer|beter verwacht", 3},
		{"terwijl .. wel .. stond|beloofd|afgesproken|toegezegd|gezegd, terwijl .. werd gezegd|beloofd|afgesproken|toegezegd", 3},
		{"belofte|beloftes|toezegging|toezeggingen .. niet, zou|zouden .. komen .. maar", 3},
		{"zonder .. bericht|melding|excuses|overleg|toestemming|uitleg|aankondiging, zonder .. te zeggen|melden|vragen|benaderen|waarschuwen|informeren|overleggen", 2},
		{"afgezegd|geannuleerd .. zonder, afgezegd|geannuleerd .. laatste moment, last minute afgezegd|geannuleerd, op het laatste moment", 2},
		{"opnieuw|weer|alweer|wederom|nogmaals .. mis|fout|niet|kapot|vergeten", 2},
		{"fout|fouten .. gemaakt, vol fouten, veel fouten", 2},
		{"fouten", 1},
		{"bleek .. geen|niet|maar|nauwelijks, terwijl dat|het|er .. wel", 2},
		{"hetzelfde als ervoor|eerst|daarvoor|voorheen, zelfde probleem, probleem .. niet verholpen|opgelost", 3},
		{"werkt|werkte|werkten|doet|deed .. niet", 1},
		{"verkeerd* .. geleverd|uitgevoerd|gedaan|geinstalleerd|gemonteerd|gestuurd|geadviseerd|berekend|gefactureerd", 3},
		{"vergeten", 1},
		{"klopt|klopte|kloppen .. niet|niks|niets", 2},
		{"erger dan, slechter dan, alleen maar erger", 2},
		{"vrij genomen, vrije ochtend|middag|dag, dag vrij", 2},
		{"lopen|loop|liepen .. mis|schade|inkomsten|omzet", 2},
		{"gedrag van, het gedrag, opmerking over mijn", 2},
		{"die|dat jullie|u .. geplaatst|geinstalleerd|gemonteerd|gemaakt|gelegd|gerepareerd|vervangen|geleverd", 1},
		{"ging|gaat|liep .. mis, mis gegaan|gelopen, misgegaan|misgelopen", 2},
		{"achter .. aan .. zitten|bellen|mailen, achteraan|aanzitten", 2},
		{"had|hadden .. verwacht, op zijn minst|minste, had .. graag .. willen|gehad|geweten, had .. moeten", 2},
		{"niets|niet|niks .. gevraagd, zonder .. te vragen, pas .. te horen|verteld|gemeld|gezegd, niemand had", 3},
		{"niet .. kunnen vinden|oplossen|repareren|maken|verhelpen|helpen", 3},
		{"al .. #|twee|drie|vier keer .. geweest|langs|gekomen|teruggeweest|terug, #|twee|drie|vier keer .. geweest|teruggeweest", 2},
		{"die|dat .. er .. niet zat|zaten|was", 3},
		{"al op, niets|niks meer bij, te weinig", 2},
		{"pas .. volgende|andere .. dag|middag|ochtend|week", 2},
		{"geen .. vervanger|vervanging|inhaalles|inhaalmoment|alternatief", 2},
		{"voor .. betaald .. en|maar|terwijl", 2},
		{"verkeerd|fout .. gespeld|geschreven|vermeld|genoteerd", 2},
		{"verzekerd|beloofd|gezegd|toegezegd .. zou|zouden .. worden .. aangepast|gecorrigeerd|opgelost|hersteld|gerepareerd", 3},
		{"niet .. gemeld|doorgegeven|verteld, niet .. laten weten", 3},
		{"kunnen|kan .. niet .. gebruiken|accepteren, niet accepteren", 3},
		{"voor .. niks|niets", 3},
		{"tweede|derde|vierde|vijfde .. op rij", 3},
		{"onverrichter zake, voor een dichte deur", 3},
		{"gewoon|toch .. afgeschreven|gefactureerd|geincasseerd|doorgelopen", 2},
		{"op|met zijn|haar .. telefoon", 2},
		{"gebeurt|gebeurde .. niets|niks, niets|niks .. gedaan", 3},
		{"nergens .. contract|offerte|afspraak|afspraken|overeenkomst, staat|staan .. niet in .. contract|offerte|overeenkomst", 3},
		{"omzet|klanten|inkomsten|bestellingen .. gemist|misgelopen|verloren", 2},
		{"krijg|kreeg .. niet te pakken, niet bereikbaar", 2},
		{"volgens .. contract|afspraak|offerte|overeenkomst .. zou|zouden", 2},
		{"niet .. vooruitgegaan|vooruit|verbeterd, niet .. beter geworden", 2},
		{"niet goed .. verzorgd|behandeld|geholpen|uitgevoerd|gedaan|afgewerkt|schoongemaakt", 3},
		{"ligt|lag .. plat, geschrapt|afgelast", 2},
		{"had|heb .. duidelijk|expliciet|nadrukkelijk|uitdrukkelijk .. gezegd|gevraagd|aangegeven", 3},
		{"pas .. later", 2},
		{"niet .. gebeld", 2},
		{"niks|niets .. afgedekt|afgeplakt|opgeruimd|beschermd|gecontroleerd, er niet meer af", 3},
		{"twee|drie|vier|# keer .. gemaild|gebeld|gevraagd|gemeld|geklaagd|gereclameerd", 2},
		{"enige .. antwoord|reactie", 2},
		{"te kort|krap|klein|groot|smal|laag|hoog, # cm|mm te", 2},
		{"niet waar .. voor betalen|betaal|betaald, niet .. voor betaald", 3},
		{"sindsdien .. niets|niks|geen|niemand|nog|stil, sinds dien .. niets|niks|geen|niemand|nog|stil", 3},
		{"dichte deur, voicemail, een bandje, antwoordapparaat, onbeantwoord|genegeerd", 2},
		{"zonder .. behandeling|resultaat|antwoord|reactie .. naar huis|weg, kost|kostte .. mij|ons .. geld|omzet|inkomsten", 2},
		{"half .. gedaan|af|werk, maar half", 2},
		{"besteld .. gekregen|ontvangen|geleverd", 1},
		// Dutch: the invoice
		{"te veel .. gefactureerd|berekend|betaald|in|gerekend|afgeschreven|gedeclareerd|geincasseerd, teveel .. gefactureerd|berekend|betaald|in|gerekend|afgeschreven|gedeclareerd|geincasseerd", 3},
		{"dubbel|dubbele|tweemaal|2x .. gefactureerd|berekend|afgeschreven|betaald|geincasseerd|gerekend|gedeclareerd|facturering|afschrijving|factuur, twee|2 keer .. gefactureerd|berekend|afgeschreven|betaald|geincasseerd|gerekend|gedeclareerd|op, gefactureerd|afgeschreven|geincasseerd|betaald|berekend .. dubbel|tweemaal|2x, gefactureerd|afgeschreven|geincasseerd|betaald|berekend .. twee|2 keer", 3},
		{"onterecht|onterechte|onjuist|onjuiste|foutief|foutieve|verkeerde|verkeerd .. gefactureerd|berekend|afgeschreven|geincasseerd|factuur|rekening|kosten|incasso|incassokosten|aanmaning|aanmaningskosten|administratiekosten|afschrijving|bedrag|herinnering|boete, ten onrechte .. gefactureerd|berekend|afgeschreven|geincasseerd", 3},
		{"hoger|meer|duurder .. dan .. afgesproken|offerte|begroot|opgegeven|geoffreerd|gezegd|beloofd", 3},
		{"gefactureerd|berekend|betalen|afgeschreven .. terwijl", 3},
		{"verborgen kosten, onverwachte|extra .. kosten .. zonder|niet", 2},
		{"nooit|niet .. besteld|afgenomen|akkoord|ontvangen", 2},
		{"terwijl .. al|reeds .. betaald|voldaan|opgezegd, terwijl .. opgezegd, opgezegd .. maar|toch|gewoon|nog, gewoon|toch weer .. afgeschreven|gefactureerd|geincasseerd", 3},
		{"al|reeds .. betaald|voldaan|aanbetaald", 1},
		{"toch .. gefactureerd|afgeschreven|geincasseerd", 3},
		{"betaal|betalen|betaald .. deze|de|die .. factuur|rekening .. niet, niet betalen, niks|niets meer .. totdat|tot, betaal|betalen .. niet .. totdat|voordat", 3},
		// Dutch: the treatment
		{"onbeschoft*|onvriendelijk*|grof|grove|brutaal|brutale|arrogant*|respectloos|respectloze|neerbuigend*|denigrerend*|kleinerend*|kortaf|onfatsoenlijk*|onheus*|ongepast*|agressief*|intimiderend*|beledigend*|discrimin*", 3},
		{"uitgescholden|afgesnauwd|snauwde|snauwen|geschreeuwd|schreeuwde|uitgelachen|afgescheept|afgewimpeld|genegeerd|beledigd|gekleineerd|vernederd, stem verheven, verhief .. stem", 3},
		{"slecht|onheus .. behandeld|bejegend, slechte bejegening|behandeling, behandeld als, niet netjes|goed|correct|respectvol .. behandeld|geholpen|bejegend", 3},
		// English: the service
		{"did not .. show|showed|turn|turned up, never .. show|showed|turn|turned up, nobody .. showed|turned up, no one .. showed|turned up, not .. turn|turned up, no show", 3},
		{"nobody|noone .. came|arrived|call|calls|called|rang|answered|told|tell|informed|picked|gets|got, no one .. came|arrived|call|calls|called|rang|answered|told|tell|informed|picked|gets|got", 3},
		{"never .. came|arrived|delivered|replied|responded|answered|heard|called|rang|returned|gave|given", 3},
		{"not .. delivered|arrived|fixed|repaired|resolved|solved|finished|completed|replied|responded|answered|received|happened|done|covered, not .. called|rang .. back, heard nothing, not heard .. anything|back", 3},
		{"still .. not|no|waiting|broken|nothing|charged|billed|taking|slipping|leaking", 3},
		{"no .. response|reply|answer|explanation|permission", 2},
		{"not as|what .. agreed|promised|described|advertised|ordered|quoted|expected, not the service, not what .. paid for", 3},
		{"poor|bad|terrible|awful|shoddy|lousy .. service|work|workmanship|quality|communication|job|treatment|experience|customer|support|advice|organisation|organization", 3},
		{"sloppy|careless|substandard|unprofessional|incompetent|negligent|botched|shoddy|faulty|defective", 3},
		{"failed|fail|failure .. to", 2},
		{"lack of|gebrek aan, geen enkele .. reactie|excuses|uitleg, nul reactie, geen gehoor", 2},
		{"damaged, damage to|caused, broken by|during", 3},
		{"scratch|scratched|scratches|cracked|dented|dent|torn|smashed|broken|leaking|leaks|stained|mess|messy", 1},
		{"late again, hours late, days late, weeks late, very late, minutes late", 2},
		{"waited|waiting|wait .. hours|days|weeks|months, on hold", 2},
		{"cancelled|canceled .. without, last minute .. cancel*, cancelled|canceled .. last minute, at the last minute", 2},
		{"rescheduled|cancelled|canceled|moved .. twice|again, second|third|fourth time, second|third|fourth .. email|request|reminder|letter", 3},
		{"without .. notice|warning|explanation|apology|permission|consent|word", 2},
		{"again .. wrong|broken|late", 2},
		{"made .. mistake|mistakes|error|errors", 2},
		{"wrong .. delivered|installed|charged|item|invoice|amount|product|size|order, brought|sent|gave .. wrong", 3},
		{"exactly|just .. like|as .. before, same problem|issue|fault, same as before", 3},
		{"forgot|forgotten", 1},
		{"called|phoned|emailed|asked|chased|contacted .. repeatedly|twice, called|phoned|emailed|asked|chased|contacted .. #|several|many|multiple|three|four|five|numerous times", 3},
		{"took|taken|take .. day|morning|afternoon .. off", 2},
		{"not|never .. mention|mentioned|tell|told|inform|informed", 2},
		{"has|have not improved, not improved", 2},
		{"make sure|ensure .. not happen again, does not happen again, never happens again", 3},
		{"went|gone|going wrong, keep|kept|keeps|constantly .. chasing|chase|asking, chase|chasing .. this|you|up", 2},
		{"would .. have expected, at least .. expected|expect|message|call|apology, would have liked|appreciated|preferred, should have", 2},
		{"nobody .. asked, no one .. asked, without asking|consulting, only .. told|informed, only when i asked", 3},
		{"could not .. find|fix|repair|solve|help|sort, unable to .. find|fix|repair|solve|help|sort", 3},
		{"been out|back|round .. twice|times, came .. back|out .. twice", 2},
		{"that|which .. was|were not .. there", 3},
		{"ran out, was gone, not enough, too little", 2},
		{"only .. the following|next .. day|afternoon|morning|week", 2},
		{"no .. replacement|alternative, no .. catch up", 2},
		{"paid for .. and|but|yet", 2},
		{"spelled|spelt|written .. wrong|wrongly|incorrectly, misspelled|misspelt", 2},
		{"assured|promised|told .. would be .. corrected|fixed|sorted|changed|resolved|repaired", 3},
		{"not .. reported, not .. passed on", 3},
		{"can not|cannot .. use|accept, could not .. use|accept", 3},
		{"for nothing", 3},
		{"second|third|fourth|fifth .. running, in a row", 3},
		{"empty handed", 3},
		{"on|with his|her .. phone", 2},
		{"nothing .. happens|happened|done", 3},
		{"not .. in .. contract|quote|agreement", 3},
		{"lost|missed .. business|customers|orders|income|sales", 2},
		{"get hold of, can not reach, could not reach", 2},
		{"meant|supposed .. to .. respond|reply|arrive|come|deliver|finish", 2},
		{"not .. properly .. looked|cared|done|finished|cleaned|treated, not looked after", 3},
		{"is|are|was|were|has|have .. wrong|incorrect, come out .. wrong|purple|different, called off, down since", 2},
		{"i was clear, i .. specifically|explicitly|clearly .. asked|said|told", 3},
		{"only .. later", 2},
		{"nobody|no one .. phone|phones|phoned|rings|rang", 3},
		{"nothing .. covered|protected|masked|cleaned|checked, won t|will not come off", 3},
		{"only .. reply|answer|response .. was", 2},
		{"too short|small|big|long|narrow|low|high, # cm|mm short, missing out, miss out", 2},
		{"expected .. properly|better", 2},
		{"not what .. pay|paying|paid for", 3},
		{"since then .. nothing|no|nobody|not, go|goes|went .. unanswered, unanswered, locked door", 2},
		{"without being seen|treated, without .. answer|reply, costing .. me|us .. money, cost .. me|us .. money|business", 2},
		{"only half .. done|finished, half done|finished", 2},
		{"ordered .. received|got|sent", 1},
		// English: the invoice
		{"charged|billed|invoiced|debited .. twice|double|incorrectly|wrongly, charged|billed|invoiced .. too much, charged|billed|invoiced .. for .. never|not|cancelled", 3},
		{"double charged|billed|charge|billing, overcharged|overbilled|overcharging|overcharge", 3},
		{"incorrect|wrong|inflated|unauthorised|unauthorized|unexpected|hidden .. invoice|bill|amount|charge|charges|fee|fees|debit|payment", 3},
		{"more|higher than .. quoted|agreed|estimated|promised|quote|estimate", 3},
		{"never|not .. ordered|authorised|authorized|discussed|agreed, never|not .. signed up", 2},
		{"taken|charged|billed .. anyway, still being charged|billed", 3},
		{"after cancelling|cancellation, you cancelled, cancelled by you", 2},
		{"supposed to", 2},
		{"filed|submitted|delivered|sent|paid|done|arrived late", 2},
		{"not .. paying|pay .. this|the .. invoice|bill, refuse to pay", 3},
		{"charged|billed|invoiced for", 1},
		{"already paid", 1},
		// English: the treatment
		{"rude*|impolite|disrespect*|condescending|patronising|patronizing|arrogant|hostile|aggressive|inappropriate*|offensive|humiliat*|discriminat*|belittl*|dismissive", 3},
		{"insulted|yelled|shouted|screamed|snapped|ignored, laughed at, hung up on, swore at, sworn at, rolled .. eyes", 3},
		{"treated .. badly|poorly|like, spoken to like", 3},
	},
}

// redress: the writer asks for something to be put right: money back,
// compensation, an apology, a conversation with someone in charge.
var redress = &group{
	id: "redress", side: forComplaint, cap: 3,
	nl: "vraagt om herstel (geld terug, vergoeding, excuses)", en: "asks for redress (refund, compensation, apology)",
	rules: []rule{
		{"geld|aanbetaling|borg|bedrag|deel terug, mijn geld, terugbetal*|terugstort*|terugboek*|restitutie|compensatie|schadevergoeding|vergoeding|vergoed|crediteren|creditnota|creditfactuur, terug storten|betalen, wil|willen .. terug", 2},
		{"excuses|verontschuldiging*", 2},
		{"rechtzetten|rechtgezet|goedmaken|corrigeren|correctie|gecorrigeerde|herstel*, recht zetten, goed maken, repair|fix .. damage", 2},
		{"in het vervolg .. voorkomen|aanpakken|anders, voortaan .. voorkomen|aanpakken|anders, in de toekomst .. voorkomen|aanpakken|anders, in future, in the future, prevent .. again, hoe .. oplossen, how .. resolve", 2},
		{"aanpassen, beter kan|moet, dit moet beter, verbetering, how .. improve, look into", 1},
		{"wil|willen .. dat .. iemand|jullie|u .. opnieuw|nogmaals, want .. someone|you .. to .. again|redo, opnieuw .. gedaan|doen|uitvoeren|uitgevoerd|maken, overdoen, hersteld|herstellen, do .. again|over, redo, redone", 2},
		{"ik|wij .. verwacht|verwachten|eis|eisen .. excuses|oplossing|vergoeding|compensatie|schadevergoeding|terugbetaling|actie|nieuwe|vervanging|reactie", 2},
		{"hier|daar .. iets mee .. gedaan|doet|doen, iets mee doet", 2},
		{"op jullie|uw|eigen kosten, voor jullie|uw|je rekening, zonder extra kosten, zonder .. te betalen, niet .. hoef|hoeven te betalen, kosteloos|gratis .. annuleren|herstellen|oplossen|overdoen, kosten .. laten vervallen|kwijtschelden|terugdraaien", 2},
		{"gesprek met .. leidinggevende|manager|directie|eigenaar|praktijkhouder|locatiemanager|directeur|teamleider, door de|een .. leidinggevende|manager|directie|eigenaar|praktijkhouder|directeur", 2},
		{"verklaring|uitleg .. voor|waarom", 1},
		{"verzoeken|verzoek|vraag|vragen .. u|jullie .. opnieuw|herstellen|terug|corrigeren|dringend, niet weer|opnieuw|nogmaals .. betalen, structureel, op orde", 2},
		{"verwacht|verwachten .. ik|wij .. iets anders|beter|meer, in gesprek .. over, i expect better, expect .. better|more", 2},
		{"niet .. volle|volledige .. bedrag|prijs, not .. full .. price|amount, wat gaan jullie|u .. doen, what are you .. going to do, wil|willen .. dat .. oplost|opgelost|gerepareerd|vervangen, someone .. fix|sort|repair", 2},
		{"vind|vinden .. dat .. jullie|u .. moeten|moet|zouden, gratis .. terug|herstellen|overdoen|opnieuw, ga ervan uit dat .. niet .. rekening|betalen|betaal, praktijkhouder|leidinggevende|directie|eigenaar .. spreken|praten, reactie op, waar ik aan toe ben", 2},
		{"refund*|reimburs*|compensat*|apolog*, money back, credit note", 2},
		{"put|make .. right, sort this out, corrected|correction, correct invoice, at your expense, at no cost, free of charge, without charging, waive|waived", 2},
		{"i|we .. expect|demand|insist", 2},
		{"please .. reprint|redo|replace|refund|repair|correct, not paying .. again, asking you to, talk about how, get this sorted", 2},
		{"speak|talk .. to|with .. manager|owner|director, someone in charge, practice manager, you should|must .. replace|fix|refund|repair|redo|pay|reimburse, for free, assume .. not .. charged|charge|pay, where i stand, firm date", 2},
	},
}

// escalation: the writer threatens to take the matter further.
var escalation = &group{
	id: "escalation", side: forComplaint, strong: true, cap: 3,
	nl: "dreigt de zaak verder te brengen", en: "threatens to take the matter further",
	rules: []rule{
		{"advocaat .. inschakelen|ingeschakeld, juridische stappen|actie, naar de rechter, rechtsbijstand|geschillencommissie|consumentenbond|ombudsman|tuchtcollege|ingebrekestelling|aansprakelijk*, in gebreke", 3},
		{"stappen .. ondernemen|nemen|zetten, verdere stappen", 3},
		{"slechte|negatieve .. recensie|recensies|review|reviews|beoordeling", 3},
		{"legal action|steps, further steps|action, small claims, trading standards, ombudsman|chargeback, hold .. liable|responsible, my|our solicitor|solicitors|lawyer|lawyers, instruct|contact|involve .. solicitor|solicitors|lawyer|lawyers", 3},
		{"bad|negative .. review|reviews, one|1 star", 3},
	},
}

// denial: the writer says it is not a complaint, or that they are content.
// These win over the plain words they contain.
var denial = &group{
	id: "denial", side: againstComplaint, cap: 3, overrides: true,
	nl: "ontkent een klacht", en: "denies a complaint",
	rules: []rule{
		{"geen klacht*, geen enkele|echte|officiele|formele klacht*, niet .. als klacht, niet bedoeld als klacht", -3},
		{"niet|nooit .. klagen|klaag|ontevreden|teleurgesteld", -3},
		{"niets|niks .. te klagen, niets|niks .. op aan te merken", -3},
		{"not a complaint, no complaint*, not complaining, not to complain, nothing to complain, never complain*, can not complain, cannot complain", -3},
		{"not .. dissatisfied|disappointed|unhappy, never .. disappointed", -3},
		{"geen probleem|problemen, no problem|problems", -1},
	},
}

// otherMeaning: words of complaint that do not express one here: the
// procedure named in a footer or a question about it ("bij klachten", "if
// you are not satisfied", "Bent u tevreden?"), the writer's own fault or
// apology ("ik ben niet gekomen", "mijn excuses"), medical complaints
// ("klachten aan mijn knie"), idioms ("kan geen kwaad", "grof vuil"). They
// take their words away from the other rules and weigh nothing themselves.
var otherMeaning = &group{
	id: "other-meaning", side: neutral, overrides: true,
	rules: []rule{
		// conditionals and questions
		{"^ als|indien|mocht|mochten|ingeval|zodra|wanneer|stel u|je|jij|jullie|men|iemand|er .. klacht*|ontevreden|tevreden|klagen, als|indien|mocht ik .. ontevreden|tevreden|klacht*", 0},
		{"^ heeft|hebt|heb|hebben u|je|jij|jullie een|nog|eventuele|enige|ooit klacht*, ^ heeft|hebt|heb|hebben u|je|jij|jullie klacht*, ^ bent|ben|was|waren u|je|jij|jullie .. ontevreden|tevreden|teleurgesteld", 0},
		{"^ if|should|when .. complaint*|complain|dissatisfied|satisfied|unhappy|happy, ^ if|should|when .. not .. satisfied|happy, ^ in case .. complaint*|dissatisfied, ^ do|are|were|have|did you .. complaint*|dissatisfied|unhappy|satisfied|happy", 0},
		// the procedure named, not used
		{"bij|voor|eventuele|evt|met klachten, eventuele klacht, vragen|opmerkingen .. klachten, klachten of|en vragen, uw klacht", 0},
		{"klachten dienen|moeten|kunnen|kunt|kun|worden .. gemeld|ingediend|schriftelijk|binnen|behandeld|gericht|melden|indienen|sturen|mailen", 0},
		{"u|je|jij|you .. kunt|kan|kunnen|can|may .. klacht*|complaint*, dien|stuur|meld .. klacht* .. in|via|bij, complaints form, klachtenvrij|klachtvrij|klachtenpatroon|klachtenbeeld, klachtenregeling|klachtenprocedure|klachtenfunctionaris|klachtencommissie|klachtenformulier|klachtenafhandeling|klachtafhandeling|klachtenbehandeling|klachtenlijn|klachtenloket|klachtenbeleid|klachtenreglement", 0},
		{"any complaints, complaints .. should|must|can|may|will|handled|procedure|policy|process|department|team|officer|handling, customer complaints, client complaints, for complaints, your complaint, complaint handling, handle .. complaints", 0},
		// the writer's own absence, mistake or apology
		{"ik ben|was .. niet gekomen|verschenen, ik .. vergeten, ik ben .. vergeten, mijn excuses, excuses voor, excuses dat, sorry .. ongemak|laat, teleurgesteld in mezelf|mijzelf, ik maakte .. fout", 0},
		{"i .. did not .. turn|show up, i .. forgot, my apologies, apologies for, sorry for .. inconvenience, disappointed with|in myself, i made .. mistake", 0},
		// medical complaints (a physiotherapist's or coach's mailbox)
		{"klachten aan|in mijn|de|het, klachten|klacht aan|in|bij|van .. knie|knieen|rug|onderrug|bovenrug|nek|schouder|schouders|elleboog|hoofd|buik|maag|darmen|hand|handen|vingers|voet|voeten|enkel|been|benen|heup|pols|arm|armen|spieren|gewrichten|ogen|oren|kaak|borst|lichaam", 0},
		{"klachten .. minder|verminderd|weg|verdwenen|verergerd|toegenomen", 0},
		{"lichamelijke|fysieke|medische|psychische|chronische|spier|gewrichts|stress|burn|burnout|pijn .. klachten|klacht", 0},
		// idioms and boilerplate
		{"kan|kon geen kwaad, grof|grove vuil|afval|huisvuil|zand", 0},
		{"niet genoeg .. aanraden|aanbevelen, not .. recommend .. enough", 0},
		{"schroom|aarzel niet, niet .. schromen|aarzelen, do not .. hesitate", 0},
		{"alvast bedankt, alvast dank, bij voorbaat dank, thanks in advance, thank you in advance", 0},
		// praise in sarcasm: "great service as always", "top service weer hoor"
		{"great|brilliant|fantastic|excellent .. service|job .. as always|usual, top service weer", 0},
	},
}

// invoice: a supplier's invoice or payment reminder, not a customer's
// objection to one: payment instructions, not the word "factuur".
var invoice = &group{
	id: "invoice", side: againstComplaint, cap: 6,
	nl: "factuur of betalingsverzoek van een leverancier", en: "a supplier's invoice or payment request",
	rules: []rule{
		{"hierbij|bijgaand|bijgevoegd .. ontvangt|vindt|treft|sturen|stuur|stuurt .. u|je|jullie .. factuur|facturen|nota|creditnota, in de bijlage .. vindt|treft|ontvangt .. u|je .. factuur|facturen|nota", -2},
		{"gelieve .. voldoen|betalen|overmaken, over te maken, te voldoen, onder vermelding van, ten name van", -3},
		{"verzoeken|vragen .. u .. bedrag|factuur .. voldoen|betalen", -3},
		{"betalingstermijn|vervaldatum|totaalbedrag|betalingsherinnering|betaalverzoek, te betalen bedrag, uiterste betaaldatum", -3},
		{"openstaand|openstaande .. bedrag|factuur|facturen|saldo|posten, tweede|laatste herinnering", -3},
		{"factuurnummer|factuurdatum|debiteurnummer", -1},
		{"excl|incl|exclusief|inclusief btw", -2},
		{"automatisch .. afgeschreven|geincasseerd", -2},
		{"indien|als|mocht .. u .. reeds|al .. betaald|voldaan", -3},
		{"please find .. attached .. invoice|invoices|statement, attached .. invoice|statement, invoice .. attached", -2},
		{"payment .. due|terms|reminder, due date, amount due, balance due, total due, outstanding balance|amount|invoice, overdue, invoice date", -3},
		{"kindly .. pay|settle|remit|arrange, payable to, remittance, bank details", -3},
		{"invoice number, within # days", -1},
		{"staat|staan .. klaar, u krijgt .. terug, storten wij, your .. statement|invoice|bill .. ready|available, you are due, we will pay|refund", -3},

		{"if .. you .. already paid", -3},
	},
}

// creditor: a supplier demanding payment, in the words only a creditor
// uses ("ons incassobureau", "wij hebben uw betaling niet ontvangen"). A
// customer who objects to a reminder speaks of "uw aanmaning".
var creditor = &group{
	id: "creditor", side: againstComplaint, cap: 6,
	nl: "betalingsherinnering of aanmaning van een schuldeiser", en: "a creditor's payment reminder or demand",
	rules: []rule{
		{"wij|we .. geen|niet .. betaling|bedrag .. ontvangen, betaling .. niet .. ontvangen, betaling van|voor .. factuur", -3},
		{"ons|onze .. incassobureau|deurwaarder, uit handen, dragen .. over aan, dragen .. vordering, vordering, aanmaning|sommatie", -4},
		{"not received .. payment, payment .. not .. received, our .. collection agency, our .. debt collector, pass .. debt|account .. to, final demand|notice, debt collection", -4},
	},
}

// quoteRequest: asking for a quote, prices or information before buying,
// or a prospective customer introducing themselves.
var quoteRequest = &group{
	id: "quote-request", side: againstComplaint, cap: 4,
	nl: "offerteaanvraag of vraag naar prijzen", en: "quote request or question about prices",
	rules: []rule{
		{"offerteaanvraag|prijsopgave|prijsindicatie|kostenraming|kostenindicatie|vrijblijvend*, offerte .. aanvragen|opvragen|maken|sturen, graag .. offerte", -3},
		{"wat kost|kosten, hoeveel kost*, wat zijn .. kosten|tarieven|prijzen, wat rekenen, wat .. tarief is|zijn", -3},
		{"tarief|tarieven|prijslijst", -1},
		{"informatie over, meer informatie, interesse in, geinteresseerd in, nieuwe klanten|klant|cliënten|cliënt, nemen jullie|u .. aan, plek|ruimte .. voor .. nieuwe|mij|cliënt, prijs .. opgeven", -2},
		{"request|get|send|need|give .. quote|quotation|estimate|proposal, how much .. cost|costs|charge, how much is|would|does|will it, what .. cost|costs, what .. charge for, your fees|rates, give .. price", -3},
		{"quote|quotation|estimate|pricing, price list", -1},
		{"interested in, more information, information about, new client|clients|customer|customers, taking on, space|room|capacity .. for .. new|me", -2},
	},
}

// newsletter: marketing and mass mail that escaped the automatic-mail rules.
var newsletter = &group{
	id: "newsletter", side: againstComplaint, cap: 6,
	nl: "nieuwsbrief of reclame", en: "newsletter or advertising",
	rules: []rule{
		{"nieuwsbrief|nieuwsbrieven|uitschrijven|webversie, afmelden voor, bekijk .. in .. browser, klik hier, u|je ontvangt deze", -4},
		{"korting|aanbieding|actieprijs|kortingscode|webinar, gratis proberen, schrijf je in, meld je aan", -2},
		{"newsletter|unsubscribe, view .. in .. browser, email preferences, manage|update .. preferences, you are receiving, you received this, click here", -4},
		{"discount|promo|coupon|webinar, special|exclusive offer, limited time, sign up, register now, free trial", -2},
		{"seo|backlinks|linkbuilding|leadgeneratie|samenwerkingsvoorstel|partnership, lead generation, grow your business", -2},
	},
}

// appointment: making, moving or cancelling an appointment.
var appointment = &group{
	id: "appointment", side: againstComplaint, cap: 3,
	nl: "afspraak maken of verzetten", en: "making or moving an appointment",
	rules: []rule{
		{"afspraak|afspraakje|kennismakingsgesprek|intakegesprek|intake|consult .. maken|inplannen|plannen|verzetten|verplaatsen|annuleren|afzeggen|wijzigen|bevestigen|boeken", -2},
		{"nieuwe|een .. afspraak", -1},
		{"schikt|uitkomt|beschikbaar|beschikbaarheid|langskomen|reserveren|reservering|inschrijven|aanmelden, langs komen", -1},
		{"book|schedule|reschedule|cancel|move|confirm|arrange .. appointment|session|meeting|call|consultation", -2},
		{"appointment|available|availability|reserve|reservation|enrol|enroll, convenient time, time slot, register for", -1},
	},
}

// application: a job or internship application. ("cv" alone is not one: in
// an installer's mailbox it is the central heating.)
var application = &group{
	id: "application", side: againstComplaint, cap: 6,
	nl: "sollicitatie", en: "job application",
	rules: []rule{
		{"sollicit*|vacature*|motivatiebrief|stageplek|stageplaats|afstudeerstage|meeloopstage|stagiair*|werkervaring, curriculum vitae, cv .. motivatie*, mijn cv .. bijlage, bijgevoegd .. cv", -4},
		{"job application, cover letter, open position, position of, apply|applying for .. job|position|role|vacancy|internship, application for .. job|position|role|vacancy|internship, vacancy|vacancies|internship, my resume|cv", -4},
	},
}

// praise: thanks and praise. A complaint can start with praise ("we were
// always content, but …"); the weights are low so that a stated grievance
// still tips the balance.
var praise = &group{
	id: "praise", side: againstComplaint, cap: 3,
	nl: "dank of lof", en: "thanks or praise",
	rules: []rule{
		{"heel|zeer|erg|super|enorm|ontzettend|bijzonder|uiterst .. tevreden|blij|content", -2},
		{"tevreden", -1},
		{"compliment*|aanrader|topservice, top geregeld, goed geregeld, fijne samenwerking, echt top, super top", -2},
		{"bedankt|dank|dankjewel|dankuwel .. voor .. fijne|goede|snelle|prettige|heldere|fijn|geweldige|fantastische|hulp|moeite|inzet|begeleiding", -2},
		{"geweldig*|fantastisch*|uitstekend*|voortreffelijk*, prima|goed|fijn geholpen", -1},
		{"naar tevredenheid|netjes|prima|goed .. opgelost|afgehandeld|afgerond, zaak .. afgerond|gesloten", -2},
		{"very|really|extremely|so .. happy|pleased|satisfied|grateful|impressed", -2},
		{"thank you .. for .. great|excellent|quick|wonderful|help|support|lovely|fantastic, thanks .. for .. great|excellent|quick|wonderful|help|support|lovely|fantastic", -2},
		{"great|excellent|outstanding|fantastic|wonderful|brilliant|superb .. service|job|work|experience|help", -2},
		{"well done, highly recommend, keep up the good work, compliments, five stars, 5 stars", -2},
		{"matter .. closed|resolved, now resolved", -2},
	},
}

// question: a question or request for information, not a grievance. Low
// weights: a complaint is often put as a question ("Kunt u mij uitleggen
// waarom …").
var question = &group{
	id: "question", side: againstComplaint, cap: 2,
	nl: "vraag om informatie", en: "question or request for information",
	rules: []rule{
		{"ik heb een vraag, vraagje, ik vroeg me af, is het mogelijk", -2},

		{"i have a question, quick question, i was wondering, is it possible, do you offer", -2},
	},
}

// administrative: changes and confirmations that are routine business.
var administrative = &group{
	id: "administrative", side: againstComplaint, cap: 3,
	nl: "administratieve wijziging of bevestiging", en: "administrative change or confirmation",
	rules: []rule{
		{"adreswijziging|orderbevestiging|opdrachtbevestiging|pakbon|uitnodiging|uitnodigen, ben verhuisd, nieuw adres, nieuwe bankrekening, nieuw rekeningnummer, ter bevestiging", -2},
		{"change of address, new address, i moved, order confirmation, booking confirmation, delivery note, invitation, invite you", -2},
	},
}

// thirdParty: the dissatisfaction is about someone else: a previous
// supplier, the council, a neighbour. A new customer often explains why they
// are looking for a new firm.
var thirdParty = &group{
	id: "third-party", side: againstComplaint, cap: 3,
	nl: "gaat over een ander dan de organisatie", en: "about someone other than the organisation",
	rules: []rule{
		{"vorige|vorig|oude|huidige .. boekhouder|accountant|aannemer|leverancier|installateur|bedrijf|kantoor|coach|praktijk|therapeut|garage, mijn|onze .. werkgever|leidinggevende|baas|manager|collega|collegas|huisbaas|verhuurder|buurman|buurvrouw|buren|verzekeraar|ex|school, niet door jullie|u, postnl|dhl|dpd|ups|gls|bezorgdienst|koerier", -1},
		{"previous|former|current|old .. accountant|builder|contractor|supplier|installer|company|firm|provider|coach|practice|garage, my|our .. employer|manager|boss|colleague|colleagues|landlord|neighbour|neighbours|neighbor|insurer|ex|school, not by you, the courier|postman, post office, royal mail|dhl|ups|dpd|fedex|evri|hermes", -1},
	},
}

// consequence: the writer draws consequences from what went wrong: leaves,
// will not come back, wants someone else.
var consequence = &group{
	id: "consequence", side: forComplaint, cap: 2,
	nl: "trekt consequenties (stopt, stapt over)", en: "draws consequences (leaves, goes elsewhere)",
	rules: []rule{
		{"nooit meer|weer .. bij|klant|zaken|terug|bestellen|boeken, niet meer .. terug, overstappen|overstap .. naar, over te stappen, andere|ander .. therapeut|coach|trainer|docent|instructeur|monteur|behandelaar|medewerker|praktijk|bedrijf", 2},
		{"never again, going|go|take .. business .. elsewhere, going|go elsewhere, switch .. provider|company|supplier, different|another .. trainer|therapist|coach|engineer|teacher|instructor|company|provider", 2},
	},
}

// context: weak cues that a message reports something that went wrong:
// a promise or expectation, time passing, money paid, the organisation's
// people, a bad result, repetition, past contentment ("always happy, but").
// Each is common in other mail too; together they support a signal of the
// strong groups, never make a complaint on their own.
var context = &group{
	id: "context", side: forComplaint, cap: 3,
	nl: "context van iets dat misging", en: "context of something that went wrong",
	rules: []rule{
		{"beloofd|toegezegd|verzekerd, zou worden, was|were .. told, promised|assured", 1},
		{"verwacht|verwachtte|verwachten|expected", 1},
		{"sindsdien|inmiddels, nu al, since then, by now, it s now", 1},
		{"betaald|aanbetaald|vooruitbetaald|paid, up front, in advance", 1},
		{"jullie|uw .. monteur|medewerker|medewerkers|collega|mensen|personeel|bezorger|bezorgers|instructeur|therapeut|coach|trainer|schilder|schilders|hovenier|assistente|receptie|uitvoerder|helpdesk, your .. engineer|staff|colleague|fitter|fitters|driver|drivers|instructor|therapist|coach|trainer|receptionist|reception|team|technician|decorator|decorators|gardener|helpdesk|movers", 1},
		{"scheef|los|doodgegaan|dood|mis|verkeerd|verkeerde|uneven|crooked|died|dead|loose|wrong", 1},
		{"steeds|telkens, elke|iedere keer, every|each time, keep|kept, still, om de paar, keer op keer, every few, over and over, again and again", 1},
		{"vuil|vies|smerig|dirty|filthy|lauw|lukewarm", 1},
		{"altijd .. tevreden|blij .. geweest|maar, always .. happy|satisfied|pleased .. but|been", 1},
	},
}

// ownFault: the writer blames themself ("per ongeluk", "my mistake"); what
// went wrong is then not the organisation's doing.
var ownFault = &group{
	id: "own-fault", side: againstComplaint, cap: 3, overrides: true,
	nl: "schrijver wijt het aan zichzelf", en: "writer blames themself",
	rules: []rule{
		{"ik|heb|had .. per ongeluk, per ongeluk .. ik|mijn, mijn .. fout|schuld, eigen fout|schuld, ligt aan mij, i .. by mistake|accident, i .. accidentally, my .. mistake|fault|bad, my own fault", -3},
	},
}

// attachmentGroups weigh the file names of attachments.
var attachmentGroups = []*group{
	{
		id: "attachment-invoice", side: againstComplaint, cap: 1,
		nl: "bijlage is een factuur of offerte", en: "attachment is an invoice or quote",
		rules: []rule{{"factuur*|invoice*|nota|offerte*|quote|quotation|pakbon|creditnota", -1}},
	},
	{
		id: "attachment-application", side: againstComplaint, cap: 3,
		nl: "bijlage is een cv of sollicitatiebrief", en: "attachment is a CV or cover letter",
		rules: []rule{{"cv|resume|curriculum|sollicitatie*|motivatie*|motivation, cover letter", -3}},
	},
	{
		id: "attachment-complaint", side: forComplaint, cap: 3,
		nl: "bijlage heet klacht", en: "attachment is named complaint",
		rules: []rule{{"klacht*|complaint*|bezwaar*", 3}},
	},
	{
		id: "attachment-other", side: neutral, overrides: true,
		rules: []rule{{"cv ketel|installatie|storing|monteur", 0}},
	},
}

// senderGroups weigh the local part of the sender's address: mail from a
// billing or marketing address is rarely a complaint.
var senderGroups = []*group{
	{
		id: "sender", side: againstComplaint, cap: 2,
		nl: "afzender is een administratie-, nieuwsbrief- of vacatureadres", en: "sender is a billing, newsletter or jobs address",
		rules: []rule{
			{"noreply|donotreply|nieuwsbrief|newsletter|news|mailing|promo|promotions|vacature*|jobs|careers|recruitment, no reply, do not reply", -2},
			{"factu*|invoice*|billing|debiteuren|credit|verkoop|sales|offerte*|orders|marketing", -1},
		},
	},
}

// The narrative: how a complaint is told. A complainant tells the
// organisation ("jullie", "your") what did not happen (negations) against
// what was expected (contrast words). Counted in the author's own text; a
// weak signal that supports the strong groups (see narrativeSignal).
var (
	negationWords = wordSet("niet geen nooit niets niks niemand nergens not no never nothing nobody nowhere none")
	contrastWords = wordSet("maar terwijl toch echter ondanks but yet although though despite however whereas")
)

// The counts from which the narrative weighs: negationsFor at least 1, and
// 2 from twice as many; contrastsFor at least 1 more.
const (
	negationsFor = 3
	contrastsFor = 2
	narrativeCap = 2
)

var narrative = &group{
	id: "narrative", side: forComplaint, cap: narrativeCap,
	nl: "vertelt de organisatie wat er niet gebeurde", en: "tells the organisation what did not happen",
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// textGroups are matched against the subject and the body.
var textGroups = []*group{
	explicit, dissatisfaction, grievance, redress, escalation,
	denial, otherMeaning,
	consequence, context, ownFault,
	invoice, creditor, quoteRequest, newsletter, appointment, application, praise, question, administrative, thirdParty,
}

var (
	textIndex       *index
	signatureIndex  *index // textGroups without the groups for a complaint
	attachmentIndex *index
	senderIndex     *index
)

func init() {
	textIndex = mustIndex(textGroups)
	var sig []*group
	for _, g := range textGroups {
		if g.side != forComplaint {
			sig = append(sig, g)
		}
	}
	signatureIndex = mustIndex(sig)
	attachmentIndex = mustIndex(attachmentGroups)
	senderIndex = mustIndex(senderGroups)
}

// mustIndex compiles the static tables; an error is a programming error in
// this file, caught by every test run.
func mustIndex(groups []*group) *index {
	ps, err := compileGroups(groups)
	if err != nil {
		panic(err)
	}
	return newIndex(ps)
}

func compileGroups(groups []*group) ([]*pattern, error) {
	var all []*pattern
	for _, g := range groups {
		for i := range g.rules {
			r := &g.rules[i]
			if (g.side == forComplaint && r.weight <= 0) || (g.side == againstComplaint && r.weight >= 0) || (g.side == neutral && r.weight != 0) {
				return nil, fmt.Errorf("group %s: rule %q: weight %d has the wrong sign", g.id, r.pattern, r.weight)
			}
			for _, src := range strings.Split(r.pattern, ",") {
				p, err := compile(src)
				if err != nil {
					return nil, fmt.Errorf("group %s: %w", g.id, err)
				}
				p.rule, p.group = r, g
				all = append(all, &p)
			}
		}
	}
	return all, nil
}
