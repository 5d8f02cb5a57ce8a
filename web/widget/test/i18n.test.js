import test from 'node:test';
import assert from 'node:assert/strict';
import { LOCALES, pickLocale, translator } from '../src/i18n.js';

test('every language has every English key', () => {
  for (const [lang, table] of Object.entries(LOCALES)) {
    assert.deepEqual(Object.keys(table).sort(), Object.keys(LOCALES.en).sort(), lang);
  }
});

test('the language: the option, then the page, then the browser, then English', () => {
  assert.equal(pickLocale('fr-CA', 'en', ['en-US']), 'fr');
  assert.equal(pickLocale('', 'fr', ['en-US']), 'fr');
  assert.equal(pickLocale(undefined, '', ['de-DE', 'fr-FR']), 'fr');
  assert.equal(pickLocale('xx', 'yy', ['de']), 'en');
});

test('strings, title and greeting override; variables are filled in', () => {
  const t = translator('fr', { title: 'Aide Acme', strings: { retry: 'Encore', nope: 'x', send: 42 } });
  assert.equal(t('title'), 'Aide Acme');
  assert.equal(t('retry'), 'Encore');
  assert.equal(t('send'), 'Envoyer le message', 'only strings are taken');
  assert.equal(t('nope'), 'nope', 'unknown keys are not added');
  assert.equal(t('tooFast', { n: 3 }), 'Vous envoyez des messages trop vite — réessayez dans 3 s.');
  assert.equal(translator('en', { greeting: 'Hi there' })('greeting'), 'Hi there');
});
