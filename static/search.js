/* scholarsite search client: no framework, no build step.
 * The index is a set of small script files under search/idx/ that each call
 * scholarsiteSearchIndex(name, data); loading them with <script> works from file://.
 * Query rules mirror scholarsite/search/query.py exactly (same files, same ranking). */
(() => {
  "use strict";
  const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const DIGIT = new Int8Array(128);
  for (let i = 0; i < 64; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;
  const SPECIAL = { "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i", "ħ": "h" };
  const STOP = new Set("a an and are as at be by for from in into is it of on or that the this to we with".split(" "));
  const TOKEN = /[0-9]{4}\.[0-9]+|[\p{L}\p{N}]+/gu;
  const ALPHA = /^\p{L}+$/u;
  const PREFIX_WEIGHT = 0.5, PREFIX_EXPANSIONS = 8, TYPO_EXPANSIONS = 3, PHRASE_BOOST = 1.5, TITLE_START_BOOST = 1.2, WHOLE_TITLE_BOOST = 1.2, LIMIT = 10;
  const TYPO_WEIGHTS = [0, 0.5, 0.3];

  // ---- folding, words, stems (see scholarsite/search/fold.py) ----
  const foldChar = (c) => {
    if (c < "\x80") return c.toLowerCase(); // ASCII: nothing to decompose or map
    const bare = c.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
    let out = "";
    for (const b of bare) out += SPECIAL[b] || b;
    return out;
  };
  const fold = (text) => {
    let out = "";
    for (const c of text) out += foldChar(c);
    return out;
  };
  const words = (text) => fold(text).match(TOKEN) || [];
  const ends = (w, ...tails) => tails.some((t) => w.endsWith(t));
  const stem = (w) => {
    if (w.length < 4 || !ALPHA.test(w)) return w;
    if (w.endsWith("ies") && !ends(w, "eies", "aies")) return w.slice(0, -3) + "y";
    if (w.endsWith("es") && !ends(w, "aes", "ees", "oes")) return w.slice(0, -1);
    if (w.endsWith("s") && !ends(w, "us", "ss")) return w.slice(0, -1);
    return w;
  };

  // ---- compact encodings (see scholarsite/search/encode.py) ----
  const varints = (text) => {
    const out = [];
    for (let pos = 0, value = 0; pos < text.length; pos++) {
      const d = DIGIT[text.charCodeAt(pos)];
      if (d >= 32) value = value * 32 + d - 32;
      else { out.push(value * 32 + d); value = 0; }
    }
    return out;
  };

  // ---- loading index files with <script> ----
  const self = document.currentScript;
  const rootAttr = document.documentElement.getAttribute("data-root");
  const root = self && self.src ? new URL("../", self.src).href : new URL(rootAttr || "", location.href).href;
  const indexBase = new URL("search/idx/", root).href;
  const files = new Map();
  const waiting = new Map();
  window.scholarsiteSearchIndex = (name, data) => {
    files.set(name, data);
    const w = waiting.get(name);
    if (w) w.resolve(data);
  };
  // Over http(s) an index file is fetched and its JSON read directly (quicker than running it
  // as a script); from file://, where fetch is refused, it is loaded as a <script>.
  const fetched = /^https?:$/.test(new URL(indexBase).protocol);
  const fetchFile = (name, w) => {
    const url = indexBase + name + ".js", head = "scholarsiteSearchIndex(" + JSON.stringify(name) + ",";
    fetch(url).then((response) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then((text) => {
      if (!text.startsWith(head) || !text.endsWith(");\n")) throw new Error("not a search index file");
      window.scholarsiteSearchIndex(name, JSON.parse(text.slice(head.length, -3)));
    }).catch((error) => {
      waiting.delete(name);
      w.reject(new Error("search index file could not be loaded: " + url + " (" + error.message + "; rebuild the site)"));
    });
  };
  const load = (name) => {
    if (files.has(name)) return Promise.resolve(files.get(name));
    if (!waiting.has(name)) {
      const w = {};
      w.promise = new Promise((resolve, reject) => Object.assign(w, { resolve, reject }));
      waiting.set(name, w);
      if (fetched) {
        fetchFile(name, w);
        return w.promise;
      }
      const tag = document.createElement("script");
      tag.src = indexBase + name + ".js";
      tag.onload = () => {
        tag.remove();
        if (!files.has(name)) w.reject(new Error("search index file did not register: " + tag.src));
      };
      tag.onerror = () => {
        tag.remove();
        waiting.delete(name);
        w.reject(new Error("search index file could not be loaded: " + tag.src + " (rebuild the site)"));
      };
      document.head.appendChild(tag);
    }
    return waiting.get(name).promise;
  };
  const parsed = new Map();
  const cached = (key, make) => {
    if (!parsed.has(key)) parsed.set(key, make());
    return parsed.get(key);
  };
  const parseDictionary = (data) => {
    const terms = data.t.split(" ");
    return { terms, freqs: varints(data.f), index: new Map(terms.map((t, i) => [t, i])) };
  };
  /** A posting list: doc ids and weight levels, from gap varints each followed by a level. */
  const postings = (encoded) => {
    const ids = new Int32Array(encoded.length >> 1), levels = new Uint8Array(encoded.length >> 1);
    let count = 0;
    for (let pos = 0, prev = -1, value = 0; pos < encoded.length; pos++) {
      const d = DIGIT[encoded.charCodeAt(pos)];
      if (d >= 32) { value = value * 32 + d - 32; continue; }
      prev += value * 32 + d + 1;
      value = 0;
      ids[count] = prev;
      levels[count++] = DIGIT[encoded.charCodeAt(++pos)];
    }
    return { ids: ids.subarray(0, count), levels: levels.subarray(0, count) };
  };

  // ---- query (see scholarsite/search/query.py) ----
  const MARK = "~", NAMED = 32, LEVELS = 31, NAME_BOOST = 2, MAX_QUERY_WORDS = 8;
  const queryWords = (query) => {
    const found = words(query);
    const lastOpen = found.length > 0 && /[\p{L}\p{N}]$/u.test(fold(query));
    const out = [];
    found.forEach((word, i) => {
      const open = lastOpen && i === found.length - 1;
      if (!STOP.has(word) || open) out.push({ word, open, required: !STOP.has(word) });
    });
    if (out.length && !out.some((w) => w.required)) out.forEach((w) => (w.required = true));
    if (out.length <= MAX_QUERY_WORDS) return out;
    // A long query keeps its longest required words (see query.py: longest_words).
    const ranked = [];
    out.forEach((w, i) => { if (w.required) ranked.push([w.word.length, i]); });
    ranked.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const keep = new Set(ranked.slice(0, MAX_QUERY_WORDS).map(([, i]) => i));
    return out.filter((w, i) => keep.has(i));
  };
  // Three rows of the distance table, reused by every call (words are at most 40 letters).
  const ROWS = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  const editDistance = (word, term, limit, prefix) => {
    if (!prefix && Math.abs(word.length - term.length) > limit) return limit + 1;
    if (word.length >= 60) return limit + 1; // far longer than any term (40 letters at most)
    const n = word.length;
    let [prev2, prev, row] = ROWS;
    for (let j = 0; j <= n; j++) prev[j] = j;
    let best = n;
    for (let i = 1; i <= term.length; i++) {
      row[0] = i;
      let low = i;
      const t = term.charCodeAt(i - 1), tBefore = i > 1 ? term.charCodeAt(i - 2) : -1;
      for (let j = 1; j <= n; j++) {
        const w = word.charCodeAt(j - 1);
        let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (t === w ? 0 : 1));
        if (i > 1 && j > 1 && t === word.charCodeAt(j - 2) && tBefore === w) v = Math.min(v, prev2[j - 2] + 1);
        row[j] = v;
        if (v < low) low = v;
      }
      best = Math.min(best, row[n]);
      if (low > limit) return prefix ? Math.min(best, limit + 1) : limit + 1;
      [prev2, prev, row] = [prev, row, prev2];
    }
    return Math.min(prefix ? best : prev[n], limit + 1);
  };
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const typoLimit = (w) => (!ALPHA.test(w) || w.length < 4 ? 0 : w.length >= 8 ? 2 : 1);
  const expand = (dict, qw) => {
    const exact = stem(qw.word);
    let found = [];
    if (!STOP.has(qw.word) && dict.index.has(exact)) found.push([exact, 1]);
    if (qw.open) {
      const pre = [];
      dict.terms.forEach((t, i) => { if (t.startsWith(qw.word) && t !== exact && !t.includes(MARK)) pre.push([-dict.freqs[i], t]); });
      pre.sort((a, b) => a[0] - b[0] || cmp(a[1], b[1]));
      found = found.concat(pre.slice(0, PREFIX_EXPANSIONS).map(([, t]) => [t, PREFIX_WEIGHT]));
    }
    if (found.length) return found;
    const limit = typoLimit(exact);
    if (!limit) return [];
    const near = [];
    dict.terms.forEach((t, i) => {
      if (t.includes(MARK)) return;
      const d = editDistance(exact, t, limit, qw.open);
      if (d <= limit) near.push([d, -dict.freqs[i], t]);
    });
    near.sort((a, b) => a[0] - b[0] || a[1] - b[1] || cmp(a[2], b[2]));
    return near.slice(0, TYPO_EXPANSIONS).map(([d, , t]) => [t, TYPO_WEIGHTS[d]]);
  };
  const shardFor = (prefixes, word) => {
    let best = -1;
    prefixes.forEach((p, i) => { if (word.startsWith(p) && (best < 0 || p.length > prefixes[best].length)) best = i; });
    return best;
  };
  const idf = (n, df) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const dictionary = async (meta, word) => {
    const number = shardFor(meta.t, word);
    if (number < 0) return null;
    const data = await load("t/" + number);
    return cached("t" + number, () => parseDictionary(data));
  };
  /** The posting shard that holds a term if the index has it: the last whose separator is not after it. */
  const postingShard = (meta, term) => {
    let low = 0, high = meta.f.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (meta.f[mid] <= term) low = mid + 1; else high = mid;
    }
    return low;
  };
  /** Where a term's postings are in its shard, or undefined when the index lacks it. */
  const postingShardData = async (number) => {
    const data = await load("p/" + number);
    return cached("p" + number, () => ({ index: new Map(data.t.split(" ").map((t, i) => [t, i])), lists: data.p }));
  };
  const listAt = (number, shard, i) => cached("p" + number + "/" + i, () => postings(shard.lists[i]));
  const findPostings = async (meta, term) => {
    const number = postingShard(meta, term);
    const shard = await postingShardData(number);
    const i = shard.index.get(term);
    return i === undefined ? undefined : listAt(number, shard, i);
  };
  /** An open word's exact term and completions (as expand() finds them in the dictionary),
   * read from its posting shard when that shard holds every completion and the dictionary
   * shard would list the same; undefined otherwise. Saves the dictionary request. */
  const shardExpansions = async (meta, qw, exact) => {
    const group = shardFor(meta.t, exact);
    if (group < 0 || !qw.word.startsWith(meta.t[group])) return undefined;
    const number = postingShard(meta, qw.word);
    const next = meta.f[number];
    if (next !== undefined && next.startsWith(qw.word)) return undefined;
    const [shard, own] = await Promise.all([postingShardData(number), findPostings(meta, exact)]);
    const found = !STOP.has(qw.word) && own !== undefined ? [[exact, 1]] : [];
    const pre = [];
    for (const [t, i] of shard.index) {
      if (t.startsWith(qw.word) && t !== exact && !t.includes(MARK)) pre.push([-listAt(number, shard, i).ids.length, t]);
    }
    pre.sort((a, b) => a[0] - b[0] || cmp(a[1], b[1]));
    return found.concat(pre.slice(0, PREFIX_EXPANSIONS).map(([, t]) => [t, PREFIX_WEIGHT]));
  };
  const prefetch = (meta, term) => findPostings(meta, term).catch(() => "the real lookup reports failures");
  /** A query word's terms: a word typed in full and found needs only its posting shard. */
  const wordTerms = async (meta, qw) => {
    const exact = stem(qw.word);
    if (!qw.open && !STOP.has(qw.word) && (await findPostings(meta, exact)) !== undefined) return [[exact, 1]];
    if (qw.open && qw.word.length === 1) {  // one letter: title words it starts; a symbol (ε, ω) too
      const titles = [qw.word + MARK, PREFIX_WEIGHT];
      return /[a-z0-9]/.test(qw.word) ? [titles] : [[exact, 1], titles];
    }
    prefetch(meta, exact);
    if (qw.open && qw.word.length <= 3) prefetch(meta, qw.word + MARK);
    let expansions = qw.open ? await shardExpansions(meta, qw, exact) : undefined;
    if (!expansions || !expansions.length) {
      const dict = await dictionary(meta, exact); // near misses, or completions across shards
      expansions = dict ? expand(dict, qw) : [];
    }
    if (qw.open && qw.word.length <= 3) expansions.push([qw.word + MARK, PREFIX_WEIGHT]);
    return expansions;
  };
  /** The posting lists of a query word's terms ([term, factor, list]; terms the index lacks left out). */
  const wordLists = async (meta, qw) => {
    const expansions = await wordTerms(meta, qw);
    const lists = await Promise.all(expansions.map(([t]) => findPostings(meta, t)));
    return expansions.map(([t, f], k) => [t, f, lists[k]]).filter(([, , list]) => list !== undefined);
  };
  // Scratch arrays indexed by document, sized once per page; scoring runs synchronously.
  let scratch = null;
  const scratchFor = (n) => {
    if (!scratch || scratch.n !== n) {
      scratch = { n, total: new Float64Array(n), best: new Float64Array(n), present: new Uint8Array(n),
        named: new Uint8Array(n), wordNamed: new Uint8Array(n) };
    }
    return scratch;
  };
  /** Each weight level's score for a term of this weight: a table lookup per posting. */
  const levelScores = (scores, weight) => {
    for (let level = 0; level < scores.length; level++) scores[level] = (weight * (level % NAMED)) / LEVELS;
    return scores;
  };
  /** Sum of each word's best score per document, times the squared share of required words
   * present, doubled when every required word is in a name field (see query.py: combine).
   * Scores are never 0, so a 0 in `total` or `best` means "not seen yet". */
  const rankTop = (meta, qwords, wordsLists, limit) => {
    const { total, best, present, named, wordNamed } = scratchFor(meta.n);
    const required = qwords.filter((w) => w.required).length;
    const scores = new Float64Array(2 * NAMED);
    const touched = [];
    wordsLists.forEach((lists, k) => {
      const counted = qwords[k].required ? 1 : 0;
      if (lists.length === 1) {
        // One term: its score in a document is the word's best there.
        const [[, factor, { ids, levels }]] = lists;
        levelScores(scores, factor * idf(meta.n, ids.length));
        for (let j = 0; j < ids.length; j++) {
          const id = ids[j], level = levels[j];
          if (total[id] === 0) touched.push(id);
          total[id] += scores[level];
          present[id] += counted;
          named[id] += counted & (level >= NAMED ? 1 : 0);
        }
        return;
      }
      const mine = [];
      for (const [, factor, { ids, levels }] of lists) {
        levelScores(scores, factor * idf(meta.n, ids.length));
        for (let j = 0; j < ids.length; j++) {
          const id = ids[j], level = levels[j], value = scores[level];
          if (best[id] === 0) mine.push(id);
          if (value > best[id]) best[id] = value;
          if (level >= NAMED) wordNamed[id] = 1;
        }
      }
      for (const id of mine) {
        if (total[id] === 0) touched.push(id);
        total[id] += best[id];
        present[id] += counted;
        named[id] += counted & wordNamed[id];
        best[id] = 0;
        wordNamed[id] = 0;
      }
    });
    // The best `limit` by score, then by id: a short sorted list, not a sort of every match.
    const ahead = (score, id, entry) => score > entry[0] || (score === entry[0] && id < entry[1]);
    const top = [];
    for (const id of touched) {
      const share = present[id] / required;
      const score = total[id] * share ** 2 * (named[id] === required ? NAME_BOOST : 1);
      total[id] = 0;
      present[id] = 0;
      named[id] = 0;
      if (top.length === limit && !ahead(score, id, top[limit - 1])) continue;
      let at = top.length === limit ? limit - 1 : top.length;
      while (at > 0 && ahead(score, id, top[at - 1])) at--;
      top.splice(at, 0, [score, id]);
      if (top.length > limit) top.pop();
    }
    return top;
  };
  const phraseBoost = (title, query, qwords, matches) => {
    const every = words(query);
    const byWord = new Map(qwords.map((w, k) => [w.word, matches[k]]));
    const lastOpen = qwords.length > 0 && qwords[qwords.length - 1].open;
    const fits = (tw, qw, open) => {
      if (tw === qw || (open && tw.startsWith(qw))) return true;
      const m = byWord.get(qw);
      return m !== undefined && m.terms.has(stem(tw));
    };
    for (let start = 0; start + every.length <= title.length; start++) {
      if (every.length && every.every((w, k) => fits(title[start + k], w, lastOpen && k === every.length - 1))) {
        let boost = every.length > 1 ? PHRASE_BOOST : 1;
        if (start === 0) {
          boost *= TITLE_START_BOOST;
          boost *= every.length === title.length ? WHOLE_TITLE_BOOST : 1;
        }
        return boost;
      }
    }
    return 1;
  };
  const record = async (meta, id) => (await load("d/" + Math.floor(id / meta.b)))[id % meta.b];

  // ---- word-pair filters of abstracts (see scholarsite/search/pairs.py) ----
  const PAIR_BITS = 512, PAIR_HASHES = 3, PAIR_QUERY_WORDS = 3, TEXT_PHRASE_BOOST = 1.3, PAIR_MIX = 0x9e3779b1;
  const CRC_TABLE = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    CRC_TABLE[n] = c;
  }
  /** CRC-32 of a string's UTF-8 bytes, as Python's zlib.crc32 computes it. */
  const crc32 = (text) => {
    let c = -1;
    for (const byte of new TextEncoder().encode(text)) c = CRC_TABLE[(c ^ byte) & 255] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  /** The hash of an adjacent pair of terms, as pairs.py computes it. */
  const pairHash = (a, b) => (crc32(a) ^ Math.imul(crc32(b), PAIR_MIX)) >>> 0;
  const mayHoldPair = (encoded, a, b) => {
    if (!encoded) return false;
    const raw = atob(encoded), h = pairHash(a, b);
    for (let i = 0; i < PAIR_HASHES; i++) {
      const bit = (h >>> (9 * i)) & (PAIR_BITS - 1);
      if (!((raw.charCodeAt(bit >> 3) >> (bit & 7)) & 1)) return false;
    }
    return true;
  };
  const queryPairs = (qwords, matches) => {
    const required = [];
    qwords.forEach((w, k) => { if (w.required) required.push([...matches[k].terms].filter((t) => !t.includes(MARK)).sort(cmp)); });
    if (required.length < PAIR_QUERY_WORDS) return [];
    return required.slice(1).map((second, k) => [required[k], second]);
  };
  const holdsPairs = (encoded, pairs) => pairs.every(([firsts, seconds]) => firsts.some((a) => seconds.some((b) => mayHoldPair(encoded, a, b))));

  /** Ranked results for a query: [{id, score, kind, url, href, title, detail}] and the terms matched. */
  const search = async (query, limit = LIMIT) => {
    const meta = await load("meta");
    const qwords = queryWords(query);
    const wordsLists = await Promise.all(qwords.map((qw) => wordLists(meta, qw)));
    const matches = wordsLists.map((lists) => ({ terms: new Set(lists.map(([t]) => t)) }));
    const top = limit > 0 ? rankTop(meta, qwords, wordsLists, limit) : [];
    const pairs = queryPairs(qwords, matches);
    // A record holds its abstract's pair filter too: one request per result shows and ranks it.
    const records = await Promise.all(top.map(([, id]) => record(meta, id)));
    const results = top.map(([score, id], k) => {
      const [kind, url, title, detail, filter] = records[k];
      let boost = phraseBoost(words(title), query, qwords, matches);
      if (boost === 1 && pairs.length && holdsPairs(filter, pairs)) boost = TEXT_PHRASE_BOOST;
      return { id, score: score * boost, kind: kind === "p" ? "paper" : "person", url, href: pageHref(url), title, detail };
    });
    results.sort((a, b) => b.score - a.score || a.id - b.id);
    return { results, terms: matches.flatMap((m) => [...m.terms].filter((t) => !t.includes(MARK))) };
  };
  const text = async (id) => {
    const meta = await load("meta");
    return (await load("x/" + Math.floor(id / meta.x)))[id % meta.x];
  };
  const pageHref = (url) => new URL(url + (location.protocol === "file:" && url.endsWith("/") ? "index.html" : ""), root).href;
  window.scholarsiteSearch = { search, text, fold, words, stem, pairHash, mayHoldPair };

  // ---- rendering: corpus text only ever goes in through text nodes ----
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  };
  /** Text split into plain strings and <mark> elements around words whose stem was matched. */
  const highlighted = (value, terms) => {
    const starts = [], lengths = [];
    let folded = "", offset = 0;
    for (const c of value) {
      const f = foldChar(c);
      for (let k = 0; k < f.length; k++) { starts.push(offset); lengths.push(c.length); }
      folded += f;
      offset += c.length;
    }
    const wanted = new Set(terms);
    const parts = [];
    let last = 0;
    for (const m of folded.matchAll(TOKEN)) {
      if (!wanted.has(stem(m[0]))) continue;
      const from = starts[m.index], end = starts[m.index + m[0].length - 1] + lengths[m.index + m[0].length - 1];
      if (from < last) continue;
      parts.push(value.slice(last, from), el("mark", {}, value.slice(from, end)));
      last = end;
    }
    parts.push(value.slice(last));
    return parts;
  };
  const snippet = (value, terms, size = 220) => {
    const wanted = new Set(terms);
    const first = (words(value).find((w) => wanted.has(stem(w))) || "");
    let at = first ? fold(value).indexOf(first) : 0;
    at = Math.max(0, Math.min(at - 60, value.length - size));
    while (at > 0 && /\S/.test(value[at - 1])) at--;
    let end = Math.min(at + size, value.length);
    const space = value.lastIndexOf(" ", end);
    if (end < value.length && /\S/.test(value[end]) && space > at) end = space;  // whole words
    return (at > 0 ? "… " : "") + value.slice(at, end).trimEnd() + (end < value.length ? " …" : "");
  };
  // In the header popup results are listbox options; on the search page they are plain links.
  const resultItem = (r, terms, id, option = false) =>
    el("a", { href: r.href, class: "ss-hit", ...(option ? { role: "option" } : {}), id, "data-kind": r.kind },
      el("span", { class: "ss-title" }, ...highlighted(r.title, terms)),
      el("span", { class: "ss-detail" }, (r.kind === "person" ? "Person · " : "") + r.detail));
  const searchPageHref = (q) => new URL("search/" + (location.protocol === "file:" ? "index.html" : "") + "?q=" + encodeURIComponent(q), root).href;
  /** Runs fn at once when the last call was at least `ms` before, else once the calls have
   * stopped for `ms`: the first keystroke searches without waiting, a burst of typing once. */
  const debounce = (fn, ms) => {
    let timer = 0, last = -Infinity;
    return (...args) => {
      const now = performance.now(), quiet = now - last >= ms;
      last = now;
      clearTimeout(timer);
      if (quiet) fn(...args);
      else timer = setTimeout(() => fn(...args), ms);
    };
  };
  const failed = (list, error) => {
    list.replaceChildren(el("p", { class: "ss-empty" }, "Search is unavailable: " + error.message));
    list.hidden = false;
  };

  // ---- the header box: results as you type, arrows, Enter, Escape, "/" ----
  const setupBox = (form) => {
    const input = form.querySelector("input");
    const list = form.querySelector("[data-search-results]");
    // `shown`: the query the list shows; `moves`: arrow presses made before it showed the typed
    // one, applied when it does (a quick ↓ after typing selects the typed query's first result).
    let active = -1, seq = 0, shown = null, moves = 0;
    const items = () => Array.from(list.querySelectorAll(".ss-hit, .ss-more"));
    // what a screen reader announces as selected: the option `active`, or none
    const announce = (option) => option ? input.setAttribute("aria-activedescendant", option.id)
      : input.removeAttribute("aria-activedescendant");
    const close = () => { list.hidden = true; active = -1; announce(null); input.setAttribute("aria-expanded", "false"); };
    const mark = (k) => {
      const all = items();
      active = all.length ? (k + all.length) % all.length : -1;
      all.forEach((a, i) => a.setAttribute("aria-selected", String(i === active)));
      announce(all[active]);
    };
    const run = async () => {
      const q = input.value, mine = ++seq;
      if (!q.trim()) return close();
      try {
        const { results, terms } = await search(q, 8);
        if (mine !== seq) return;
        const hits = results.map((r, i) => resultItem(r, terms, "ss-opt-" + i, true));
        const more = el("a", { class: "ss-more", role: "option", id: "ss-opt-more", href: searchPageHref(q) },
          "All results for “" + q + "”");
        const none = el("p", { class: "ss-empty", role: "option", "aria-disabled": "true", id: "ss-opt-none" },
          "No results for “" + q + "”");
        list.replaceChildren(...(hits.length ? hits : [none]), more);
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
        announce(null);
        shown = q;
        if (q === input.value) { if (moves) mark(active + moves); moves = 0; }
        list.dispatchEvent(new CustomEvent("search:rendered", { bubbles: true, detail: { query: q } }));
      } catch (error) {
        failed(list, error);
      }
    };
    const later = debounce(run, 30);
    input.addEventListener("input", (e) => { moves = 0; later(e); });
    input.addEventListener("focus", () => load("meta").catch((e) => failed(list, e)), { once: true });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        if (shown !== input.value) { moves += step; later(); }
        else if (list.hidden) run();
        else mark(active + step);
      } else if (e.key === "Enter") {
        e.preventDefault();
        const target = items()[active];
        location.href = target ? target.href : searchPageHref(input.value);
      } else if (e.key === "Escape") {
        if (list.hidden) input.blur(); else close();
      }
    });
    form.addEventListener("submit", (e) => { e.preventDefault(); location.href = searchPageHref(input.value); });
    document.addEventListener("click", (e) => { if (!form.contains(e.target)) close(); });
    document.addEventListener("keydown", (e) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
    });
  };

  // ---- the search page: full results, highlights, snippets, ?q= in the URL ----
  const setupPage = (page) => {
    const form = page.querySelector("form");
    const input = form.querySelector("input");
    const list = page.querySelector("[data-search-results]");
    const status = page.querySelector("[data-search-status]");
    let seq = 0;
    const show = async (q) => {
      const mine = ++seq;
      if (!q.trim()) { list.replaceChildren(); status.textContent = ""; return; }
      try {
        const { results, terms } = await search(q, 20);
        const texts = await Promise.all(results.map((r) => (r.kind === "paper" ? text(r.id) : "")));
        if (mine !== seq) return;
        list.replaceChildren(...results.map((r, i) => {
          const item = el("li", { class: "ss-result", "data-kind": r.kind }, resultItem(r, terms, "ss-res-" + i));
          if (texts[i]) item.append(el("p", { class: "ss-snippet" }, ...highlighted(snippet(texts[i], terms), terms)));
          return item;
        }));
        status.textContent = results.length ? `Top ${results.length} results for “${q}”` : `No results for “${q}”`;
        page.dispatchEvent(new CustomEvent("search:rendered", { bubbles: true, detail: { query: q } }));
      } catch (error) {
        failed(list, error);
      }
    };
    // Typing after a shown query starts one new history entry; later keystrokes and a submit
    // of the same words update it, so Back returns to the query before, whatever the timing.
    let editing = false;
    const writeUrl = (q, push) => {
      const url = new URL(location.href);
      const same = url.searchParams.get("q") === q;
      url.searchParams.set("q", q);
      try {
        history[push && !same ? "pushState" : "replaceState"]({ q }, "", url.href);
      } catch (error) {
        // Some browsers refuse history changes on file:// pages; results still show.
        status.title = String(error);
      }
    };
    const fromUrl = () => {
      editing = false;
      const q = new URL(location.href).searchParams.get("q") || "";
      input.value = q;
      show(q);
    };
    input.addEventListener("input", debounce(() => { writeUrl(input.value, !editing); editing = true; show(input.value); }, 60));
    form.addEventListener("submit", (e) => { e.preventDefault(); writeUrl(input.value, !editing); editing = false; show(input.value); });
    window.addEventListener("popstate", fromUrl);
    fromUrl();
  };

  const start = () => {
    document.querySelectorAll("[data-search-box]").forEach(setupBox);
    document.querySelectorAll("[data-search-page]").forEach(setupPage);
    // The manifest is a few hundred bytes: fetch it once the page is idle, so the first
    // query waits only for the files it needs.
    const warm = () => load("meta").catch(() => "a query reports the failure when it retries");
    if (window.requestIdleCallback) requestIdleCallback(warm, { timeout: 2000 });
    else setTimeout(warm, 200);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
