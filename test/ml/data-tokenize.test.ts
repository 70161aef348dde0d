import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detokenize, tokenize } from '../../stages/lib/data/tokenize.js';

describe('tokenize', () => {
  it('keeps emails, URLs and phone numbers whole', () => {
    const { tokens } = tokenize('Jo Li | jo.li+cv@mail.co.uk | +1 (555) 123-4567 | https://x.io/in/jo. 987.654.3210');
    assert.deepEqual(tokens, ['Jo', 'Li', '|', 'jo.li+cv@mail.co.uk', '|', '+1 (555) 123-4567', '|', 'https://x.io/in/jo', '.', '987.654.3210']);
  });

  it('keeps tech words together and splits year ranges and punctuation', () => {
    const { tokens } = tokenize('B.Tech, 2015-2019; Node.js, C++ and C# (CI/CD). 5+ years');
    assert.deepEqual(tokens, ['B.Tech', ',', '2015', '-', '2019', ';', 'Node.js', ',', 'C++', 'and', 'C#', '(', 'CI', '/', 'CD', ')', '.', '5', '+', 'years']);
  });

  it('does not read adjacent numbers as a phone number', () => {
    assert.deepEqual(tokenize('+91 98765 43210 2019').tokens, ['+91 98765 43210', '2019']);
    assert.deepEqual(tokenize('2015 2019 2020').tokens, ['2015', '2019', '2020']);
  });

  it('gives UTF-16 offsets that slice back to each token, astral characters included', () => {
    const text = '  😀 Zoë  Ångström\n\tworks🚀here ';
    const { tokens, offsets } = tokenize(text);
    assert.deepEqual(tokens, ['😀', 'Zoë', 'Ångström', 'works', '🚀', 'here']);
    tokens.forEach((token, i) => assert.equal(text.slice(...(offsets[i] as [number, number])), token));
  });

  it('detokenize joins with single spaces', () => {
    assert.deepEqual(detokenize(['a', 'bc', 'd']), { text: 'a bc d', offsets: [[0, 1], [2, 4], [5, 6]] });
  });
});
