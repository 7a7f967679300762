package domain

import (
	"strconv"
	"strings"
	"time"
)

// Factor is one entry of the contributing-factor taxonomy (tmpl area,
// issue 14): a key RCAs carry, a name and a description, translated. Built-in
// factors ship with the binary; admins add their own, and rename, describe,
// translate or retire any. A stored factor with a built-in key overrides the
// built-in text. Factors are retired, never deleted, so old RCAs keep
// meaning.
type Factor struct {
	Key          string                       `json:"key"`
	Name         string                       `json:"name"`
	Description  string                       `json:"description"`
	Translations map[string]FactorTranslation `json:"translations,omitempty"`
	Retired      bool                         `json:"retired"`
	BuiltIn      bool                         `json:"built_in"`
	// Version is 0 for a built-in factor nobody has edited yet, else the
	// stored version (optimistic concurrency).
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// FactorTranslation is a factor's name and description in another language.
type FactorTranslation struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// MaxFactorsPerRCA bounds an RCA's contributing factors.
const MaxFactorsPerRCA = 50

// Validate checks a factor before it is stored.
func (f *Factor) Validate() error {
	var ps problems
	checkText(&ps, "key", f.Key, true, 64)
	if f.Key != "" && !templateKey.MatchString(f.Key) {
		ps.add("key", CodeInvalid, "lowercase letters, digits, dashes and underscores only")
	}
	if _, builtin := BuiltinFactor(f.Key); builtin != f.BuiltIn {
		if builtin {
			ps.add("key", CodeDuplicate, "a built-in factor has this key")
		} else {
			ps.add("built_in", CodeInvalid, "no built-in factor has this key")
		}
	}
	checkText(&ps, "name", f.Name, true, MaxNameLen)
	checkText(&ps, "description", f.Description, false, MaxTextLen)
	checkCount(&ps, "translations", len(f.Translations), MaxTranslations)
	for tag, tr := range f.Translations {
		checkTag(&ps, "translations."+tag, tag)
		checkText(&ps, "translations."+tag+".name", tr.Name, false, MaxNameLen)
		checkText(&ps, "translations."+tag+".description", tr.Description, false, MaxTextLen)
	}
	return ps.err()
}

// Localized returns the factor's name and description in lang (the exact
// tag, then its base language), falling back to the default text.
func (f Factor) Localized(lang string) (name, description string) {
	name, description = f.Name, f.Description
	if tr, ok := pickTranslation(f.Translations, lang); ok {
		if tr.Name != "" {
			name = tr.Name
		}
		if tr.Description != "" {
			description = tr.Description
		}
	}
	return name, description
}

// MergeFactors is the taxonomy: the built-in factors in their order, each
// replaced by its stored override, then the stored custom factors in the
// order given.
func MergeFactors(stored []Factor) []Factor {
	byKey := make(map[string]Factor, len(stored))
	for _, f := range stored {
		byKey[f.Key] = f
	}
	out := make([]Factor, 0, len(builtinFactors)+len(stored))
	for _, b := range BuiltinFactors() {
		if f, ok := byKey[b.Key]; ok {
			f.BuiltIn = true
			out = append(out, f)
			delete(byKey, b.Key)
			continue
		}
		out = append(out, b)
	}
	for _, f := range stored {
		if _, left := byKey[f.Key]; left {
			out = append(out, f)
		}
	}
	return out
}

// CheckFactorKeys checks an RCA's contributing factors against the
// taxonomy: every key must be known, and a key not already on the RCA
// (before) must not be retired. Problems name contributing_factors[i].
func CheckFactorKeys(taxonomy []Factor, before, keys []string) error {
	var ps problems
	known := make(map[string]Factor, len(taxonomy))
	for _, f := range taxonomy {
		known[f.Key] = f
	}
	had := make(map[string]bool, len(before))
	for _, k := range before {
		had[k] = true
	}
	for i, k := range keys {
		field := "contributing_factors[" + strconv.Itoa(i) + "]"
		f, ok := known[k]
		switch {
		case !ok:
			ps.add(field, CodeUnknownEnum, k)
		case f.Retired && !had[k]:
			ps.add(field, CodeInvalid, "the factor "+k+" is retired")
		}
	}
	return ps.err()
}

// checkFactorList checks the shape of an RCA's factor keys.
func checkFactorList(ps *problems, keys []string) {
	checkCount(ps, "contributing_factors", len(keys), MaxFactorsPerRCA)
	seen := map[string]bool{}
	for i, k := range keys {
		field := "contributing_factors[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(k) == "":
			ps.add(field, CodeRequired, "")
		case len(k) > 64 || !templateKey.MatchString(k):
			ps.add(field, CodeInvalid, k)
		case seen[k]:
			ps.add(field, CodeDuplicate, k)
		}
		seen[k] = true
	}
}

// Built-in factor keys.
const (
	FactorThirdParty        = "third_party"
	FactorConfigChange      = "config_change"
	FactorDeploy            = "deploy"
	FactorCapacity          = "capacity"
	FactorDependencyFailure = "dependency_failure"
	FactorMonitoringGap     = "monitoring_gap"
	FactorHumanProcess      = "human_process"
	FactorSoftwareBug       = "software_bug"
	FactorInfrastructure    = "infrastructure"
	FactorSecurity          = "security"
)

// BuiltinFactors returns the taxonomy every installation starts with, with
// names and descriptions in English, German, French, Spanish and Brazilian
// Portuguese. The maps are fresh copies.
func BuiltinFactors() []Factor {
	out := make([]Factor, len(builtinFactors))
	for i, f := range builtinFactors {
		f.Translations = make(map[string]FactorTranslation, len(f.Translations))
		for k, v := range builtinFactors[i].Translations {
			f.Translations[k] = v
		}
		out[i] = f
	}
	return out
}

// BuiltinFactor returns the built-in factor with key, or false.
func BuiltinFactor(key string) (Factor, bool) {
	for _, f := range BuiltinFactors() {
		if f.Key == key {
			return f, true
		}
	}
	return Factor{}, false
}

type ft = FactorTranslation

var builtinFactors = []Factor{
	{Key: FactorThirdParty, BuiltIn: true, Name: "Third party",
		Description: "A provider, vendor or partner outside our control failed or changed behaviour.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Drittanbieter", "Ein Anbieter, Lieferant oder Partner außerhalb unserer Kontrolle ist ausgefallen oder hat sich anders verhalten."},
			"fr":    ft{"Tiers", "Un fournisseur, prestataire ou partenaire hors de notre contrôle a connu une panne ou changé de comportement."},
			"es":    ft{"Terceros", "Un proveedor o socio fuera de nuestro control falló o cambió su comportamiento."},
			"pt-BR": ft{"Terceiros", "Um fornecedor ou parceiro fora do nosso controle falhou ou mudou de comportamento."},
		}},
	{Key: FactorConfigChange, BuiltIn: true, Name: "Configuration change",
		Description: "A change to configuration, feature flags or settings introduced the problem.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Konfigurationsänderung", "Eine Änderung an Konfiguration, Feature-Flags oder Einstellungen hat das Problem ausgelöst."},
			"fr":    ft{"Changement de configuration", "Une modification de configuration, d’indicateurs de fonctionnalité ou de paramètres a introduit le problème."},
			"es":    ft{"Cambio de configuración", "Un cambio en la configuración, los indicadores de funciones o los ajustes introdujo el problema."},
			"pt-BR": ft{"Mudança de configuração", "Uma mudança de configuração, de feature flags ou de parâmetros introduziu o problema."},
		}},
	{Key: FactorDeploy, BuiltIn: true, Name: "Deployment",
		Description: "A release or rollout of code or infrastructure triggered the incident.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Bereitstellung", "Ein Release oder Rollout von Code oder Infrastruktur hat den Vorfall ausgelöst."},
			"fr":    ft{"Déploiement", "Une mise en production de code ou d’infrastructure a déclenché l’incident."},
			"es":    ft{"Despliegue", "Una publicación o despliegue de código o infraestructura desencadenó el incidente."},
			"pt-BR": ft{"Implantação", "Uma publicação ou implantação de código ou infraestrutura desencadeou o incidente."},
		}},
	{Key: FactorCapacity, BuiltIn: true, Name: "Capacity",
		Description: "Load exceeded what the system was sized for: traffic, storage, quotas or limits.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Kapazität", "Die Last überstieg die Auslegung des Systems: Datenverkehr, Speicher, Kontingente oder Limits."},
			"fr":    ft{"Capacité", "La charge a dépassé le dimensionnement du système : trafic, stockage, quotas ou limites."},
			"es":    ft{"Capacidad", "La carga superó el dimensionamiento del sistema: tráfico, almacenamiento, cuotas o límites."},
			"pt-BR": ft{"Capacidade", "A carga excedeu o dimensionamento do sistema: tráfego, armazenamento, cotas ou limites."},
		}},
	{Key: FactorDependencyFailure, BuiltIn: true, Name: "Dependency failure",
		Description: "An internal service, database or library we depend on failed.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Ausfall einer Abhängigkeit", "Ein interner Dienst, eine Datenbank oder eine Bibliothek, von der wir abhängen, ist ausgefallen."},
			"fr":    ft{"Défaillance d’une dépendance", "Un service interne, une base de données ou une bibliothèque dont nous dépendons a échoué."},
			"es":    ft{"Fallo de una dependencia", "Falló un servicio interno, una base de datos o una biblioteca de la que dependemos."},
			"pt-BR": ft{"Falha de dependência", "Um serviço interno, banco de dados ou biblioteca de que dependemos falhou."},
		}},
	{Key: FactorMonitoringGap, BuiltIn: true, Name: "Monitoring gap",
		Description: "Missing or noisy alerts, dashboards or probes delayed detection.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Überwachungslücke", "Fehlende oder zu laute Alarme, Dashboards oder Prüfungen haben die Erkennung verzögert."},
			"fr":    ft{"Lacune de supervision", "Des alertes, tableaux de bord ou sondes absents ou trop bruyants ont retardé la détection."},
			"es":    ft{"Carencia de monitorización", "Alertas, paneles o sondas ausentes o demasiado ruidosos retrasaron la detección."},
			"pt-BR": ft{"Lacuna de monitoramento", "Alertas, painéis ou sondas ausentes ou ruidosos atrasaram a detecção."},
		}},
	{Key: FactorHumanProcess, BuiltIn: true, Name: "Human and process",
		Description: "A manual step, runbook, handover or review process allowed the mistake.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Mensch und Prozess", "Ein manueller Schritt, ein Runbook, eine Übergabe oder ein Review-Prozess hat den Fehler zugelassen."},
			"fr":    ft{"Humain et processus", "Une étape manuelle, une procédure, une passation ou un processus de revue a permis l’erreur."},
			"es":    ft{"Personas y procesos", "Un paso manual, un procedimiento, un traspaso o un proceso de revisión permitió el error."},
			"pt-BR": ft{"Pessoas e processos", "Uma etapa manual, um runbook, uma passagem de turno ou um processo de revisão permitiu o erro."},
		}},
	{Key: FactorSoftwareBug, BuiltIn: true, Name: "Software bug",
		Description: "A defect in our own code caused or worsened the incident.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Softwarefehler", "Ein Defekt in unserem eigenen Code hat den Vorfall verursacht oder verschlimmert."},
			"fr":    ft{"Bogue logiciel", "Un défaut de notre propre code a causé ou aggravé l’incident."},
			"es":    ft{"Error de software", "Un defecto en nuestro propio código causó o agravó el incidente."},
			"pt-BR": ft{"Defeito de software", "Um defeito em nosso próprio código causou ou agravou o incidente."},
		}},
	{Key: FactorInfrastructure, BuiltIn: true, Name: "Infrastructure",
		Description: "Hardware, network, cloud resources or the platform underneath failed.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Infrastruktur", "Hardware, Netzwerk, Cloud-Ressourcen oder die darunterliegende Plattform sind ausgefallen."},
			"fr":    ft{"Infrastructure", "Le matériel, le réseau, les ressources cloud ou la plateforme sous-jacente ont failli."},
			"es":    ft{"Infraestructura", "Fallaron el hardware, la red, los recursos en la nube o la plataforma subyacente."},
			"pt-BR": ft{"Infraestrutura", "Hardware, rede, recursos de nuvem ou a plataforma subjacente falharam."},
		}},
	{Key: FactorSecurity, BuiltIn: true, Name: "Security",
		Description: "An attack, abuse, leaked credential or security control was involved.",
		Translations: map[string]FactorTranslation{
			"de":    ft{"Sicherheit", "Ein Angriff, Missbrauch, ein offengelegtes Zugangsdatum oder eine Sicherheitskontrolle war beteiligt."},
			"fr":    ft{"Sécurité", "Une attaque, un abus, un identifiant divulgué ou un contrôle de sécurité était en cause."},
			"es":    ft{"Seguridad", "Intervino un ataque, un abuso, una credencial filtrada o un control de seguridad."},
			"pt-BR": ft{"Segurança", "Houve um ataque, abuso, credencial vazada ou controle de segurança envolvido."},
		}},
}
