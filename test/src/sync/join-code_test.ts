import { expect } from '@open-wc/testing';
import { joinCodeOf } from '../../../src/sync/join-code.js';

const ORIGIN = 'https://kit.example.gov.au';
const CODE = 'Xq3_k-9ZpL0aVb7mNc2RtY8uWe4sHd1fGj6oIiKkEe';

describe('joinCodeOf', () => {
  it('finds the code in a join link pasted whole, with or without its https://, or in the code alone', () => {
    expect(joinCodeOf(`${ORIGIN}/join#${CODE}`, ORIGIN)).to.deep.equal({ code: CODE });
    expect(joinCodeOf(`  kit.example.gov.au/join#${CODE}\n`, ORIGIN)).to.deep.equal({ code: CODE });
    expect(joinCodeOf(`${ORIGIN}/join/#${CODE}`, ORIGIN)).to.deep.equal({ code: CODE });
    expect(joinCodeOf(CODE, ORIGIN)).to.deep.equal({ code: CODE });
  });

  it('reads a link an email or a PDF broke across lines as one', () => {
    const broken = `${ORIGIN}/join#${CODE.slice(0, 20)}\r\n ${CODE.slice(20)}`;
    expect(joinCodeOf(broken, ORIGIN)).to.deep.equal({ code: CODE });
  });

  it('reads the kit’s own port, as a kit served on one has it', () => {
    expect(joinCodeOf(`127.0.0.1:8080/join#${CODE}`, 'http://127.0.0.1:8080')).to.deep.equal({ code: CODE });
  });

  it('reads a join link of a kit served under a path, and says a link without the path is not one', () => {
    const base = '/field-kit/';
    expect(joinCodeOf(`${ORIGIN}/field-kit/join#${CODE}`, ORIGIN, base)).to.deep.equal({ code: CODE });
    expect(joinCodeOf(`${ORIGIN}/join#${CODE}`, ORIGIN, base)).to.deep.equal({
      problem:
        'That is not a join link. A join link reads kit.example.gov.au/field-kit/join#… and a long code; ask your team lead for the whole link.',
    });
  });

  it('says why there is no code: nothing pasted, not a join link, another server’s, or cut short', () => {
    expect(joinCodeOf('  ', ORIGIN)).to.deep.equal({ problem: 'Paste the team’s join link first.' });
    const notALink = joinCodeOf('Riverside team', ORIGIN);
    expect('problem' in notALink && notALink.problem).to.contain('That is not a join link.');
    expect('problem' in notALink && notALink.problem).to.contain('kit.example.gov.au/join#');
    const page = joinCodeOf(`${ORIGIN}/guide/social-media#${CODE}`, ORIGIN);
    expect('problem' in page && page.problem).to.contain('That is not a join link.');
    expect(joinCodeOf(`https://kit.other.example/join#${CODE}`, ORIGIN)).to.deep.equal({
      problem:
        'That join link is for the kit at kit.other.example, and this is the kit at kit.example.gov.au. Open the link itself on this device to use that kit.',
    });
    const short = joinCodeOf(`${ORIGIN}/join#${CODE.slice(0, 12)}`, ORIGIN);
    expect('problem' in short && short.problem).to.contain('cut short');
    expect('problem' in joinCodeOf(`${ORIGIN}/join`, ORIGIN)).to.equal(true);
    expect('problem' in joinCodeOf(`${ORIGIN}/join#${CODE}%3Cscript%3E`, ORIGIN)).to.equal(true);
  });

  it('takes no address but a web one', () => {
    expect('problem' in joinCodeOf(`javascript:alert(1)//join#${CODE}`, ORIGIN)).to.equal(true);
  });
});
