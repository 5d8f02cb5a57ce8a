// Every word the widget shows or announces, per language. English is the
// reference; another language is one more table with the same keys (a key it
// lacks falls back to English). boot()'s `locale` picks the table (default:
// the page's <html lang>, then the browser's language, then English) and
// `strings` overrides any key; `title` and `greeting` are shortcuts for the
// heading and the welcome line. `{n}`, `{text}` are filled in.

export const LOCALES = {
  en: {
    title: 'Support',
    open: 'Open support chat',
    openUnread1: 'Open support chat (1 conversation with new replies)',
    openUnread: 'Open support chat ({n} conversations with new replies)',
    close: 'Close support chat',
    back: 'Back to your conversations',
    message: 'Message',
    send: 'Send message',
    placeholderNew: 'Describe your question…',
    placeholderReply: 'Write a reply…',
    newConversation: 'New conversation',
    yourConversations: 'Your conversations',
    statusOpen: 'Open',
    statusResolved: 'Resolved',
    newReply: 'New reply.',
    conversation: 'Conversation',
    messages: 'Messages',
    loadingMessages: 'Loading messages',
    loading: 'Loading',
    resolvedBanner: 'This conversation is resolved. Send a message to reopen it.',
    agent: 'Support',
    you: 'You',
    greetingTitle: 'How can we help?',
    greeting: "Send us a message and we'll reply right here.",
    anonymousNote: 'Your conversations are kept in this browser.',
    authTitle: 'Authentication failed',
    authText: "We couldn't verify your identity. Please sign in again or contact support.",
    authAnnounce: "Authentication failed. We couldn't verify your identity.",
    unavailableTitle: 'Support chat is unavailable',
    unavailableText: "Support chat can't open right now. Please try again later.",
    waitTitle: 'One moment',
    waitText: 'Too many attempts — trying again in {n} s.',
    connectingTitle: 'Connecting…',
    connectingText: "We can't reach support right now. We'll keep trying.",
    retry: 'Try again',
    tooFast: "You're sending messages too fast — try again in {n} s.",
    gone: 'That conversation is no longer available.',
    offline: "We couldn't reach support. Check your connection and try again.",
    failed: 'Something went wrong. Please try again.',
    notSent: "Your message wasn't sent. It's still here: try again.",
    tooLong: 'This message is too long. Please shorten it or split it in two.',
    sent: 'Message sent.',
    replyFrom: 'New reply from Support: {text}',
    resolvedNow: 'This conversation was marked as resolved.',
    reopenedNow: 'This conversation was reopened.',
    justNow: 'just now',
    minAgo: '{n} min ago',
    hoursAgo: '{n} h ago',
    today: 'Today',
    yesterday: 'Yesterday',
  },
  fr: {
    title: 'Assistance',
    open: "Ouvrir le chat d'assistance",
    openUnread1: "Ouvrir le chat d'assistance (1 conversation avec de nouvelles réponses)",
    openUnread: "Ouvrir le chat d'assistance ({n} conversations avec de nouvelles réponses)",
    close: "Fermer le chat d'assistance",
    back: 'Retour à vos conversations',
    message: 'Message',
    send: 'Envoyer le message',
    placeholderNew: 'Décrivez votre question…',
    placeholderReply: 'Écrire une réponse…',
    newConversation: 'Nouvelle conversation',
    yourConversations: 'Vos conversations',
    statusOpen: 'Ouverte',
    statusResolved: 'Résolue',
    newReply: 'Nouvelle réponse.',
    conversation: 'Conversation',
    messages: 'Messages',
    loadingMessages: 'Chargement des messages',
    loading: 'Chargement',
    resolvedBanner: 'Cette conversation est résolue. Envoyez un message pour la rouvrir.',
    agent: 'Assistance',
    you: 'Vous',
    greetingTitle: 'Comment pouvons-nous vous aider ?',
    greeting: 'Envoyez-nous un message, nous vous répondrons ici.',
    anonymousNote: 'Vos conversations sont conservées dans ce navigateur.',
    authTitle: "Échec de l'authentification",
    authText: "Nous n'avons pas pu vérifier votre identité. Reconnectez-vous ou contactez l'assistance.",
    authAnnounce: "Échec de l'authentification. Nous n'avons pas pu vérifier votre identité.",
    unavailableTitle: "Le chat d'assistance est indisponible",
    unavailableText: "Le chat d'assistance ne peut pas s'ouvrir pour le moment. Réessayez plus tard.",
    waitTitle: 'Un instant',
    waitText: 'Trop de tentatives — nouvel essai dans {n} s.',
    connectingTitle: 'Connexion…',
    connectingText: "Nous ne parvenons pas à joindre l'assistance. Nous réessayons.",
    retry: 'Réessayer',
    tooFast: 'Vous envoyez des messages trop vite — réessayez dans {n} s.',
    gone: "Cette conversation n'est plus disponible.",
    offline: "Nous n'avons pas pu joindre l'assistance. Vérifiez votre connexion et réessayez.",
    failed: "Une erreur s'est produite. Veuillez réessayer.",
    notSent: "Votre message n'a pas été envoyé. Il est toujours là : réessayez.",
    tooLong: 'Ce message est trop long. Raccourcissez-le ou coupez-le en deux.',
    sent: 'Message envoyé.',
    replyFrom: "Nouvelle réponse de l'assistance : {text}",
    resolvedNow: 'Cette conversation a été marquée comme résolue.',
    reopenedNow: 'Cette conversation a été rouverte.',
    justNow: "à l'instant",
    minAgo: 'il y a {n} min',
    hoursAgo: 'il y a {n} h',
    today: "Aujourd'hui",
    yesterday: 'Hier',
  },
};

/** The table for a language tag ("fr-CA" → fr), or null. */
function table(tag) {
  if (typeof tag !== 'string' || !tag) return null;
  const lang = tag.toLowerCase().split(/[-_]/)[0];
  return LOCALES[lang] ? lang : null;
}

/** The language boot() options ask for, else the page's, else the browser's, else English. */
export function pickLocale(wanted, pageLang, browserLangs = []) {
  return table(wanted) || table(pageLang) || browserLangs.map(table).find(Boolean) || 'en';
}

/**
 * A translator for one widget: t('tooFast', {n: 3}). Overrides come from
 * boot()'s `strings` (only string values of known keys are taken), `title` and `greeting`.
 */
export function translator(lang, o = {}) {
  const own = { ...LOCALES.en, ...LOCALES[lang] };
  const over = o.strings && typeof o.strings === 'object' ? o.strings : {};
  for (const k of Object.keys(over)) if (k in LOCALES.en && typeof over[k] === 'string') own[k] = over[k];
  if (typeof o.title === 'string' && o.title) own.title = o.title;
  if (typeof o.greeting === 'string' && o.greeting) own.greeting = o.greeting;
  const t = (key, vars) => {
    let s = own[key] ?? key;
    if (vars) for (const v of Object.keys(vars)) s = s.split(`{${v}}`).join(String(vars[v]));
    return s;
  };
  t.lang = lang;
  return t;
}
