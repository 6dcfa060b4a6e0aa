// Every text a person reads: [French (default), English]. The API's own texts
// (errors, notices, explanations) come in the same language through Accept-Language.
const TEXTS = {
  "skip": ["Aller au contenu", "Skip to content"],
  "brand": ["Sésame", "Sésame"],
  "menu": ["Menu principal", "Main menu"],
  "nav.simulation": ["Simulation", "Simulation"],
  "nav.account": ["Mon compte", "My account"],
  "nav.profile": ["Profil et consentements", "Profile and consents"],
  "nav.vault": ["Mes documents", "My documents"],
  "nav.privacy": ["Mes données", "My data"],
  "footer": ["Sésame ne dépose aucun cookie de mesure d'audience et ne contacte aucun service tiers.", "Sésame sets no audience-measurement cookie and contacts no third-party service."],
  "switchTo": ["English", "Français"],
  "loading": ["Chargement…", "Loading…"],
  "sim.title": ["Quelles aides pouvez-vous recevoir ?", "Which aids can you get?"],
  "sim.intro": ["Répondez à quelques questions, une à la fois. Rien n'est enregistré tant que vous ne le demandez pas.", "Answer a few questions, one at a time. Nothing is stored unless you ask."],
  "sim.step": ["Question {n}", "Question {n}"],
  "sim.you": ["Vous", "You"],
  "sim.partner": ["Votre conjoint(e)", "Your partner"],
  "sim.child": ["Enfant {n}", "Child {n}"],
  "sim.partnerQuestion": ["Vivez-vous avec un conjoint, un partenaire de PACS ou un concubin ?", "Do you live with a spouse, civil partner or cohabiting partner?"],
  "sim.children": ["Nombre d'enfants vivant avec vous", "Number of children living with you"],
  "sim.resourcesHint": ["Montants nets par mois ; laissez vide ce que vous ne recevez pas.", "Net amounts per month; leave empty what you do not receive."],
  "sim.benefitsReceived": ["Prestations déjà reçues", "Benefits already received"],
  "sim.next": ["Question suivante", "Next question"],
  "sim.skip": ["Je ne sais pas", "I don't know"],
  "sim.results": ["Voir mes résultats", "See my results"],
  "sim.restart": ["Recommencer", "Start again"],
  "sim.backToQuestion": ["Revenir à cette question", "Back to this question"],
  "yes": ["Oui", "Yes"],
  "no": ["Non", "No"],
  "choose": ["Choisissez une réponse", "Choose an answer"],
  "sim.resultsTitle": ["Vos résultats", "Your results"],
  "sim.total": ["Total estimé : {amount} par mois", "Estimated total: {amount} per month"],
  "sim.perMonth": ["{amount} par mois", "{amount} per month"],
  "sim.perYear": ["{amount} par an", "{amount} per year"],
  "sim.firstMonths": ["Les premiers mois : {amount} par mois", "First months: {amount} per month"],
  "sim.eligible": ["Aides auxquelles vous avez droit", "Aids you are entitled to"],
  "sim.toCheck": ["Aides à vérifier", "Aids to check"],
  "sim.toCheckIntro": ["Ces aides dépendent d'éléments que le questionnaire ne connaît pas : voici pourquoi.", "These aids depend on facts the questionnaire does not know: here is why."],
  "sim.why": ["Pourquoi", "Why"],
  "sim.documents": ["Documents à préparer", "Documents to prepare"],
  "sim.apply": ["Comment en faire la demande", "How to apply"],
  "sim.online": ["Faire la demande en ligne", "Apply online"],
  "sim.form": ["Formulaire : {form}", "Form: {form}"],
  "sim.automatic": ["Versée automatiquement, sans démarche.", "Paid automatically, nothing to do."],
  "sim.none": ["Aucune aide trouvée avec ces réponses.", "No aid found with these answers."],
  "sim.save": ["Enregistrer cette simulation", "Save this simulation"],
  "sim.saveNeedsAccount": ["Connectez-vous pour enregistrer cette simulation.", "Sign in to save this simulation."],
  "sim.saved": ["Simulation enregistrée.", "Simulation saved."],
  "sim.changes": ["Ce qui a changé depuis la dernière fois", "What changed since last time"],
  "change.new_aid": ["Nouvelle aide : {aid} ({after})", "New aid: {aid} ({after})"],
  "change.amount_changed": ["{aid} : {before} → {after}", "{aid}: {before} → {after}"],
  "change.aid_lost": ["Aide perdue : {aid}", "Aid lost: {aid}"],
  "sim.computing": ["Calcul de vos droits en cours…", "Computing your entitlements…"],
  "acc.title": ["Mon compte", "My account"],
  "acc.signinTitle": ["Se connecter ou créer un compte", "Sign in or create an account"],
  "acc.email": ["Adresse e-mail", "Email address"],
  "acc.password": ["Mot de passe (8 caractères au moins)", "Password (at least 8 characters)"],
  "acc.signin": ["Se connecter", "Sign in"],
  "acc.signup": ["Créer mon compte", "Create my account"],
  "acc.signout": ["Se déconnecter", "Sign out"],
  "acc.policy": ["J'ai lu et j'accepte la politique de confidentialité (version {version})", "I have read and accept the privacy policy (version {version})"],
  "acc.consentVault": ["Je souhaite conserver mes justificatifs dans le coffre-fort Sésame", "I want to keep my supporting documents in the Sésame vault"],
  "acc.consentPromotion": ["J'accepte de recevoir des informations sur les nouvelles aides", "I agree to receive information about new aids"],
  "acc.register": ["Valider mon inscription", "Complete my registration"],
  "acc.registerTitle": ["Finaliser l'inscription", "Complete your registration"],
  "acc.signedInAs": ["Connecté(e) : {email}", "Signed in: {email}"],
  "acc.history": ["Mes simulations", "My simulations"],
  "acc.noHistory": ["Aucune simulation enregistrée.", "No saved simulation."],
  "acc.historyRow": ["{date} — {total} par mois", "{date} — {total} per month"],
  "acc.outcomes": ["Suivi de mes demandes", "Follow-up of my claims"],
  "acc.received": ["Total reçu à ce jour : {amount}", "Total received to date: {amount}"],
  "acc.receivedMonthly": ["Reçu chaque mois : {amount}", "Received each month: {amount}"],
  "acc.status": ["Où en est votre demande ?", "Where is your claim?"],
  "acc.amountReceived": ["Montant reçu par mois (€)", "Amount received per month (€)"],
  "acc.since": ["Depuis (mois)", "Since (month)"],
  "acc.saveOutcome": ["Enregistrer le suivi", "Save the follow-up"],
  "acc.outcomeSaved": ["Suivi enregistré.", "Follow-up saved."],
  "status.applied": ["Demande déposée", "Applied"],
  "status.granted": ["Accordée", "Granted"],
  "status.refused": ["Refusée", "Refused"],
  "status.not_pursued": ["Pas de demande", "Not pursued"],
  "auth.weak": ["Le mot de passe doit compter au moins 6 caractères.", "The password needs at least 6 characters."],
  "auth.exists": ["Un compte existe déjà avec cette adresse : connectez-vous.", "An account already uses this address: sign in."],
  "auth.invalid": ["Adresse e-mail ou mot de passe incorrect.", "Wrong email address or password."],
  "auth.email": ["Adresse e-mail invalide.", "Invalid email address."],
  "auth.other": ["La connexion a échoué ({code}).", "Sign-in failed ({code})."],
  "needSignin": ["Connectez-vous pour voir cette page.", "Sign in to see this page."],
  "goSignin": ["Se connecter", "Sign in"],
  "prof.title": ["Profil et consentements", "Profile and consents"],
  "prof.language": ["Langue des messages", "Language of messages"],
  "prof.phone": ["Téléphone", "Phone"],
  "prof.save": ["Enregistrer le profil", "Save the profile"],
  "prof.saved": ["Profil enregistré.", "Profile saved."],
  "prof.consents": ["Mes consentements", "My consents"],
  "prof.grant": ["Donner mon consentement", "Give my consent"],
  "prof.withdraw": ["Retirer mon consentement", "Withdraw my consent"],
  "prof.consentHistory": ["Historique", "History"],
  "prof.granted": ["accordé", "granted"],
  "prof.withdrawn": ["retiré", "withdrawn"],
  "purpose.vault": ["Coffre-fort de justificatifs", "Vault of supporting documents"],
  "purpose.promotion": ["Informations sur les nouvelles aides", "Information about new aids"],
  "purpose.alerts": ["Alertes sur mes droits", "Alerts about my entitlements"],
  "purpose.simulation": ["Simulations enregistrées", "Saved simulations"],
  "prof.objections": ["M'opposer à un traitement", "Object to a processing"],
  "prof.object": ["Je m'oppose", "I object"],
  "prof.unobject": ["Retirer mon opposition", "Withdraw my objection"],
  "prof.restriction": ["Limiter le traitement de mes données", "Restrict the processing of my data"],
  "prof.restrict": ["Limiter le traitement", "Restrict processing"],
  "prof.unrestrict": ["Lever la limitation", "Lift the restriction"],
  "prof.restricted": ["Le traitement de vos données est limité.", "The processing of your data is restricted."],
  "prof.notRestricted": ["Le traitement de vos données n'est pas limité.", "The processing of your data is not restricted."],
  "prof.objected": ["opposition en cours", "objection in force"],
  "prof.notObjected": ["pas d'opposition", "no objection"],
  "vault.title": ["Mes documents", "My documents"],
  "privacy.title": ["Mes données", "My data"],
  "privacy.exportTitle": ["Télécharger toutes mes données", "Download all my data"],
  "privacy.exportIntro": ["Une archive ZIP de toutes vos données et de vos documents, préparée en quelques instants ; le lien reste valable peu de temps.", "A ZIP archive of all your data and documents, prepared in a few moments; the link is valid for a short time."],
  "privacy.export": ["Préparer mon archive", "Prepare my archive"],
  "privacy.exportProgress": ["Préparation de l'archive", "Preparing the archive"],
  "privacy.exportLocations": ["{count} emplacements de données parcourus", "{count} data locations read"],
  "privacy.download": ["Télécharger l'archive", "Download the archive"],
  "privacy.exportSize": ["({size} Ko)", "({size} KB)"],
  "export.queued": ["Demande enregistrée…", "Request recorded…"],
  "export.running": ["Préparation en cours…", "In progress…"],
  "export.ready": ["Votre archive est prête.", "Your archive is ready."],
  "export.failed": ["La préparation a échoué ; réessayez plus tard.", "Preparation failed; try again later."],
  "privacy.erasureTitle": ["Supprimer mon compte et mes données", "Delete my account and my data"],
  "privacy.stops": ["Ce que la suppression arrête", "What erasure stops"],
  "privacy.kept": ["Ce que la loi nous oblige à garder", "What the law makes us keep"],
  "privacy.typeWord": ["Pour confirmer, tapez « {word} »", "To confirm, type \"{word}\""],
  "privacy.erase": ["Supprimer définitivement", "Delete for good"],
  "privacy.receiptTitle": ["Reçu de suppression", "Erasure receipt"],
  "privacy.receiptIntro": ["Votre compte est supprimé ; la suppression de vos données se poursuit. Ce reçu ne contient aucune donnée personnelle.", "Your account is deleted; the erasure of your data goes on. This receipt holds no personal data."],
  "privacy.receiptId": ["Numéro du reçu", "Receipt number"],
  "privacy.receiptStatus": ["État", "Status"],
  "privacy.backups": ["Les sauvegardes expirent le", "Backups expire on"],
  "privacy.keepReceipt": ["Conserver ce reçu (lien permanent)", "Keep this receipt (permanent link)"],
  "erasure.confirmed": ["Confirmée", "Confirmed"],
  "erasure.running": ["En cours", "In progress"],
  "erasure.done": ["Terminée", "Done"],
  "erasure.failed": ["Interrompue, reprise automatique", "Interrupted, resumed automatically"],
  "nav.forms": ["Mes formulaires", "My forms"],
  "nav.caregivers": ["Mes aidants", "My caregivers"],
};

// Codes the questionnaire offers as answers, as a person reads them.
const OPTION_LABELS = {
  "single": ["Seul(e)", "Single"],
  "married": ["Marié(e)", "Married"],
  "pacs": ["Pacsé(e)", "Civil partnership"],
  "cohabiting": ["En concubinage", "Cohabiting"],
  "employed": ["Salarié(e)", "Employee"],
  "self_employed": ["Indépendant(e)", "Self-employed"],
  "unemployed_compensated": ["Au chômage, indemnisé(e)", "Unemployed, on benefit"],
  "unemployed_not_compensated": ["Sans emploi, non indemnisé(e)", "Unemployed, no benefit"],
  "in_paid_training": ["En formation rémunérée", "In paid training"],
  "student": ["Étudiant(e)", "Student"],
  "retired": ["Retraité(e)", "Retired"],
  "inactive": ["Sans activité", "Not working"],
  "none": ["Pas scolarisé", "Not at school"],
  "nursery": ["École maternelle", "Nursery school"],
  "primary": ["École élémentaire", "Primary school"],
  "middle": ["Collège", "Lower secondary"],
  "high": ["Lycée", "Upper secondary"],
  "higher": ["Enseignement supérieur", "Higher education"],
  "tenant": ["Locataire (logement vide)", "Tenant (unfurnished)"],
  "tenant_furnished": ["Locataire (meublé)", "Tenant (furnished)"],
  "tenant_social": ["Locataire HLM", "Social housing tenant"],
  "first_time_buyer": ["Propriétaire remboursant un prêt (primo-accédant)", "Owner repaying a loan (first-time buyer)"],
  "owner": ["Propriétaire", "Owner"],
  "hosted_free": ["Hébergé(e) gratuitement", "Hosted for free"],
  "residence": ["En foyer ou résidence sociale", "In a hostel or social residence"],
  "homeless": ["Sans domicile", "Homeless"],
  "salary": ["Salaire net", "Net wage"],
  "unemployment": ["Allocation chômage (ARE)", "Unemployment benefit (ARE)"],
  "retirement_pension": ["Pension de retraite", "Retirement pension"],
  "invalidity_pension": ["Pension d'invalidité", "Invalidity pension"],
  "sickness_allowance": ["Indemnités journalières maladie", "Sickness allowance"],
  "alimony_received": ["Pension alimentaire reçue", "Maintenance received"],
  "aah": ["AAH", "AAH (disabled adult allowance)"],
  "ass": ["ASS", "ASS (specific solidarity allowance)"],
  "rsa": ["RSA", "RSA (active solidarity income)"],
  "ppa": ["Prime d'activité", "Activity bonus"],
  "housing_aid": ["Aide au logement", "Housing aid"],
  "family_allowances": ["Allocations familiales", "Family allowances"],
  "family_supplement": ["Complément familial", "Family supplement"],
  "family_support": ["Allocation de soutien familial (ASF)", "Family support allowance (ASF)"],
  "paje_base": ["Allocation de base de la PAJE", "PAJE basic allowance"],
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

/** Texts of a page loaded later (its own module carries them, so the first load stays small). */
export function addTexts(texts) { Object.assign(TEXTS, texts); }

/** The text of ``key`` with ``{name}`` placeholders filled. */
export function t(key, values = {}) {
  const text = TEXTS[key]?.[current === "en" ? 1 : 0] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** What a person reads for an answer code (the code itself when unknown). */
export function optionLabel(code) { return OPTION_LABELS[code]?.[current === "en" ? 1 : 0] ?? code; }

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
