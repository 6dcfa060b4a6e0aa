// Every text a person reads, in French (default) and English. The API's own texts
// (errors, notices, explanations) come in the same language through Accept-Language.
const TEXTS = {
  fr: {
    skip: "Aller au contenu", brand: "Sésame", menu: "Menu principal",
    "nav.simulation": "Simulation", "nav.account": "Mon compte", "nav.profile": "Profil et consentements",
    "nav.vault": "Mes documents", "nav.privacy": "Mes données",
    footer: "Sésame ne dépose aucun cookie de mesure d'audience et ne contacte aucun service tiers.",
    switchTo: "English", loading: "Chargement…",
    "sim.title": "Quelles aides pouvez-vous recevoir ?",
    "sim.intro": "Répondez à quelques questions, une à la fois. Rien n'est enregistré tant que vous ne le demandez pas.",
    "sim.step": "Question {n}", "sim.next": "Question suivante", "sim.skip": "Je ne sais pas", "sim.results": "Voir mes résultats",
    "sim.restart": "Recommencer", "yes": "Oui", "no": "Non", "choose": "Choisissez une réponse",
    "sim.resultsTitle": "Vos résultats", "sim.total": "Total estimé : {amount} par mois",
    "sim.perMonth": "{amount} par mois", "sim.perYear": "{amount} par an", "sim.firstMonths": "Les premiers mois : {amount} par mois",
    "sim.eligible": "Aides auxquelles vous avez droit", "sim.toCheck": "Aides à vérifier",
    "sim.toCheckIntro": "Ces aides dépendent d'éléments que le questionnaire ne connaît pas : voici pourquoi.",
    "sim.why": "Pourquoi", "sim.documents": "Documents à préparer", "sim.apply": "Comment en faire la demande",
    "sim.online": "Faire la demande en ligne", "sim.form": "Formulaire : {form}", "sim.automatic": "Versée automatiquement, sans démarche.",
    "sim.none": "Aucune aide trouvée avec ces réponses.", "sim.save": "Enregistrer cette simulation",
    "sim.saveNeedsAccount": "Connectez-vous pour enregistrer cette simulation.",
    "sim.saved": "Simulation enregistrée.", "sim.changes": "Ce qui a changé depuis la dernière fois",
    "change.new_aid": "Nouvelle aide : {aid} ({after})", "change.amount_changed": "{aid} : {before} → {after}", "change.aid_lost": "Aide perdue : {aid}",
    "sim.computing": "Calcul de vos droits en cours…",
    "acc.title": "Mon compte", "acc.signinTitle": "Se connecter ou créer un compte", "acc.email": "Adresse e-mail", "acc.password": "Mot de passe (8 caractères au moins)",
    "acc.signin": "Se connecter", "acc.signup": "Créer mon compte", "acc.signout": "Se déconnecter",
    "acc.policy": "J'ai lu et j'accepte la politique de confidentialité (version {version})",
    "acc.consentVault": "Je souhaite conserver mes justificatifs dans le coffre-fort Sésame",
    "acc.consentPromotion": "J'accepte de recevoir des informations sur les nouvelles aides",
    "acc.register": "Valider mon inscription", "acc.registerTitle": "Finaliser l'inscription",
    "acc.signedInAs": "Connecté(e) : {email}", "acc.history": "Mes simulations", "acc.noHistory": "Aucune simulation enregistrée.",
    "acc.historyRow": "{date} — {total} par mois", "acc.outcomes": "Suivi de mes demandes",
    "acc.received": "Total reçu à ce jour : {amount}", "acc.receivedMonthly": "Reçu chaque mois : {amount}",
    "acc.status": "Où en est votre demande ?", "acc.amountReceived": "Montant reçu par mois (€)", "acc.since": "Depuis (mois)",
    "acc.saveOutcome": "Enregistrer le suivi", "acc.outcomeSaved": "Suivi enregistré.",
    "status.applied": "Demande déposée", "status.granted": "Accordée", "status.refused": "Refusée", "status.not_pursued": "Pas de demande",
    "auth.weak": "Le mot de passe doit compter au moins 6 caractères.", "auth.exists": "Un compte existe déjà avec cette adresse : connectez-vous.",
    "auth.invalid": "Adresse e-mail ou mot de passe incorrect.", "auth.email": "Adresse e-mail invalide.", "auth.other": "La connexion a échoué ({code}).",
    "needSignin": "Connectez-vous pour voir cette page.", "goSignin": "Se connecter",
    "prof.title": "Profil et consentements", "prof.language": "Langue des messages", "prof.phone": "Téléphone",
    "prof.save": "Enregistrer le profil", "prof.saved": "Profil enregistré.",
    "prof.consents": "Mes consentements", "prof.grant": "Donner mon consentement", "prof.withdraw": "Retirer mon consentement",
    "prof.consentHistory": "Historique", "prof.granted": "accordé", "prof.withdrawn": "retiré",
    "purpose.vault": "Coffre-fort de justificatifs", "purpose.promotion": "Informations sur les nouvelles aides",
    "purpose.alerts": "Alertes sur mes droits", "purpose.simulation": "Simulations enregistrées",
    "prof.objections": "M'opposer à un traitement", "prof.object": "Je m'oppose", "prof.unobject": "Retirer mon opposition",
    "prof.restriction": "Limiter le traitement de mes données", "prof.restrict": "Limiter le traitement", "prof.unrestrict": "Lever la limitation",
    "prof.restricted": "Le traitement de vos données est limité.", "prof.notRestricted": "Le traitement de vos données n'est pas limité.",
    "prof.objected": "opposition en cours", "prof.notObjected": "pas d'opposition",
    "vault.title": "Mes documents", "privacy.title": "Mes données",
    "later": "Cette page arrive bientôt dans ce client ; l'API la propose déjà.",
  },
  en: {
    skip: "Skip to content", brand: "Sésame", menu: "Main menu",
    "nav.simulation": "Simulation", "nav.account": "My account", "nav.profile": "Profile and consents",
    "nav.vault": "My documents", "nav.privacy": "My data",
    footer: "Sésame sets no audience-measurement cookie and contacts no third-party service.",
    switchTo: "Français", loading: "Loading…",
    "sim.title": "Which aids can you get?",
    "sim.intro": "Answer a few questions, one at a time. Nothing is stored unless you ask.",
    "sim.step": "Question {n}", "sim.next": "Next question", "sim.skip": "I don't know", "sim.results": "See my results",
    "sim.restart": "Start again", "yes": "Yes", "no": "No", "choose": "Choose an answer",
    "sim.resultsTitle": "Your results", "sim.total": "Estimated total: {amount} per month",
    "sim.perMonth": "{amount} per month", "sim.perYear": "{amount} per year", "sim.firstMonths": "First months: {amount} per month",
    "sim.eligible": "Aids you are entitled to", "sim.toCheck": "Aids to check",
    "sim.toCheckIntro": "These aids depend on facts the questionnaire does not know: here is why.",
    "sim.why": "Why", "sim.documents": "Documents to prepare", "sim.apply": "How to apply",
    "sim.online": "Apply online", "sim.form": "Form: {form}", "sim.automatic": "Paid automatically, nothing to do.",
    "sim.none": "No aid found with these answers.", "sim.save": "Save this simulation",
    "sim.saveNeedsAccount": "Sign in to save this simulation.",
    "sim.saved": "Simulation saved.", "sim.changes": "What changed since last time",
    "change.new_aid": "New aid: {aid} ({after})", "change.amount_changed": "{aid}: {before} → {after}", "change.aid_lost": "Aid lost: {aid}",
    "sim.computing": "Computing your entitlements…",
    "acc.title": "My account", "acc.signinTitle": "Sign in or create an account", "acc.email": "Email address", "acc.password": "Password (at least 8 characters)",
    "acc.signin": "Sign in", "acc.signup": "Create my account", "acc.signout": "Sign out",
    "acc.policy": "I have read and accept the privacy policy (version {version})",
    "acc.consentVault": "I want to keep my supporting documents in the Sésame vault",
    "acc.consentPromotion": "I agree to receive information about new aids",
    "acc.register": "Complete my registration", "acc.registerTitle": "Complete your registration",
    "acc.signedInAs": "Signed in: {email}", "acc.history": "My simulations", "acc.noHistory": "No saved simulation.",
    "acc.historyRow": "{date} — {total} per month", "acc.outcomes": "Follow-up of my claims",
    "acc.received": "Total received to date: {amount}", "acc.receivedMonthly": "Received each month: {amount}",
    "acc.status": "Where is your claim?", "acc.amountReceived": "Amount received per month (€)", "acc.since": "Since (month)",
    "acc.saveOutcome": "Save the follow-up", "acc.outcomeSaved": "Follow-up saved.",
    "status.applied": "Applied", "status.granted": "Granted", "status.refused": "Refused", "status.not_pursued": "Not pursued",
    "auth.weak": "The password needs at least 6 characters.", "auth.exists": "An account already uses this address: sign in.",
    "auth.invalid": "Wrong email address or password.", "auth.email": "Invalid email address.", "auth.other": "Sign-in failed ({code}).",
    "needSignin": "Sign in to see this page.", "goSignin": "Sign in",
    "prof.title": "Profile and consents", "prof.language": "Language of messages", "prof.phone": "Phone",
    "prof.save": "Save the profile", "prof.saved": "Profile saved.",
    "prof.consents": "My consents", "prof.grant": "Give my consent", "prof.withdraw": "Withdraw my consent",
    "prof.consentHistory": "History", "prof.granted": "granted", "prof.withdrawn": "withdrawn",
    "purpose.vault": "Vault of supporting documents", "purpose.promotion": "Information about new aids",
    "purpose.alerts": "Alerts about my entitlements", "purpose.simulation": "Saved simulations",
    "prof.objections": "Object to a processing", "prof.object": "I object", "prof.unobject": "Withdraw my objection",
    "prof.restriction": "Restrict the processing of my data", "prof.restrict": "Restrict processing", "prof.unrestrict": "Lift the restriction",
    "prof.restricted": "The processing of your data is restricted.", "prof.notRestricted": "The processing of your data is not restricted.",
    "prof.objected": "objection in force", "prof.notObjected": "no objection",
    "vault.title": "My documents", "privacy.title": "My data",
    "later": "This page is coming to this client soon; the API already offers it.",
  },
};

// Codes the questionnaire offers as answers, as a person reads them.
const OPTION_LABELS = {
  fr: {
    single: "Seul(e)", married: "Marié(e)", pacs: "Pacsé(e)", cohabiting: "En concubinage",
    employed: "Salarié(e)", self_employed: "Indépendant(e)", unemployed_compensated: "Au chômage, indemnisé(e)",
    unemployed_not_compensated: "Sans emploi, non indemnisé(e)", in_paid_training: "En formation rémunérée",
    student: "Étudiant(e)", retired: "Retraité(e)", inactive: "Sans activité",
    none: "Pas scolarisé", nursery: "École maternelle", primary: "École élémentaire", middle: "Collège", high: "Lycée", higher: "Enseignement supérieur",
    tenant: "Locataire (logement vide)", tenant_furnished: "Locataire (meublé)", tenant_social: "Locataire HLM",
    first_time_buyer: "Propriétaire remboursant un prêt (primo-accédant)", owner: "Propriétaire",
    hosted_free: "Hébergé(e) gratuitement", residence: "En foyer ou résidence sociale", homeless: "Sans domicile",
  },
  en: {
    single: "Single", married: "Married", pacs: "Civil partnership", cohabiting: "Cohabiting",
    employed: "Employee", self_employed: "Self-employed", unemployed_compensated: "Unemployed, on benefit",
    unemployed_not_compensated: "Unemployed, no benefit", in_paid_training: "In paid training",
    student: "Student", retired: "Retired", inactive: "Not working",
    none: "Not at school", nursery: "Nursery school", primary: "Primary school", middle: "Lower secondary", high: "Upper secondary", higher: "Higher education",
    tenant: "Tenant (unfurnished)", tenant_furnished: "Tenant (furnished)", tenant_social: "Social housing tenant",
    first_time_buyer: "Owner repaying a loan (first-time buyer)", owner: "Owner",
    hosted_free: "Hosted for free", residence: "In a hostel or social residence", homeless: "Homeless",
  },
};

let current = sessionStorage.getItem("sesame.language") === "en" ? "en" : "fr";

/** The language the person reads: "fr" unless they switched. */
export function language() { return current; }

/** Switch language for this tab (kept in sessionStorage: an essential preference, no cookie). */
export function setLanguage(value) {
  current = value === "en" ? "en" : "fr";
  sessionStorage.setItem("sesame.language", current);
  document.documentElement.lang = current;
}

/** The text of ``key`` with ``{name}`` placeholders filled. */
export function t(key, values = {}) {
  const text = TEXTS[current][key] ?? TEXTS.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** What a person reads for an answer code (the code itself when unknown). */
export function optionLabel(code) { return OPTION_LABELS[current][code] ?? code; }

/** A bilingual text of the API ({fr, en}) in the person's language. */
export function pick(bilingual) { return bilingual ? (bilingual[current] ?? bilingual.fr) : ""; }

/** Euros as written in the person's language: "1 234,56 €" or "€1,234.56". */
export function euros(amount) {
  return new Intl.NumberFormat(current === "en" ? "en-GB" : "fr-FR", { style: "currency", currency: "EUR" }).format(amount);
}

/** Static labels of index.html in the person's language. */
export function translatePage() {
  document.documentElement.lang = current;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
}
