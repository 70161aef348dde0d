// Seeded generator of synthetic resumes with span annotations. Layouts, section order, separators,
// casing, bullets and noise vary so a model has to use context, not positions.
import { Faker, base, en } from '@faker-js/faker';
import type { SpanDocument } from '../documents.js';
import { TextBuilder } from './text-builder.js';
import * as vocab from './resume-vocab.js';

export const EMBEDDED_LABELS = [
  'NAME', 'EMAIL', 'PHONE', 'LOCATION', 'DESIGNATION', 'COMPANY', 'COLLEGE', 'DEGREE', 'GRADUATION_YEAR',
  'SKILLS', 'YEARS_OF_EXPERIENCE',
] as const;

type Section = 'summary' | 'experience' | 'education' | 'skills';

const PHONE_FORMATS = ['+1 (###) ###-####', '###-###-####', '(###) ###-####', '###.###.####', '+91 ##### #####', '+44 #### ######', '##########'];

class ResumeWriter {
  private readonly b = new TextBuilder();
  private readonly upperHeadings: boolean;
  private readonly headingSuffix: string;
  private readonly bullet: string;

  constructor(private readonly f: Faker) {
    this.upperHeadings = f.datatype.boolean(0.5);
    this.headingSuffix = f.helpers.arrayElement(['', ':', '', '\n----------']);
    this.bullet = f.helpers.arrayElement(vocab.BULLETS);
  }

  private pick<T>(items: readonly T[]): T {
    return this.f.helpers.arrayElement(items);
  }

  private chance(probability: number): boolean {
    return this.f.datatype.boolean(probability);
  }

  private skill(): string {
    const skill = this.pick(vocab.SKILLS);
    return this.chance(0.1) ? skill.toLowerCase() : skill;
  }

  private designation(): string {
    const title = this.chance(0.7) ? this.pick(vocab.DESIGNATIONS) : this.f.person.jobTitle();
    return this.chance(0.15) ? title.toUpperCase() : title;
  }

  private yearsOfExperience(): string {
    const n = this.f.number.int({ min: 1, max: 15 });
    return this.pick([`${n} years`, `${n}+ years`, `over ${n} years`, `${n}.5 years`, `${n} yrs`, `${this.pick(vocab.NUMBER_WORDS)} years`]);
  }

  private location(): string {
    const city = this.f.location.city();
    return this.pick([city, `${city}, ${this.f.location.state({ abbreviated: true })}`, `${city}, ${this.f.location.country()}`]);
  }

  private college(): string {
    return this.pick(vocab.COLLEGE_PATTERNS)
      .replace('{city}', this.f.location.city())
      .replace('{state}', this.f.location.state())
      .replace('{last}', this.f.person.lastName());
  }

  /** Fills `{slot}` markers, labelling what they produce. */
  private template(pattern: string): void {
    const fillers: Record<string, () => [string, string?]> = {
      desig: () => [this.designation(), 'DESIGNATION'],
      yoe: () => [this.yearsOfExperience(), 'YEARS_OF_EXPERIENCE'],
      skill: () => [this.skill(), 'SKILLS'],
      n: () => [String(this.f.number.int({ min: 2, max: 40 }))],
    };
    for (const part of pattern.split(/(\{\w+\})/)) {
      const fill = fillers[part.slice(1, -1)];
      if (part.startsWith('{') && fill) this.b.add(...fill());
      else this.b.add(part);
    }
  }

  private heading(section: Section): void {
    const text = this.pick(vocab.HEADINGS[section]);
    this.b.newline(this.chance(0.6) ? 2 : 1).add(this.upperHeadings ? text.toUpperCase() : text).add(this.headingSuffix).newline();
  }

  private header(): void {
    const first = this.f.person.firstName();
    const last = this.f.person.lastName();
    const name = this.chance(0.2) ? `${first} ${this.f.person.middleName()} ${last}` : `${first} ${last}`;
    if (this.chance(0.3)) this.b.add(`${this.pick(vocab.NOISE.slice(0, 4))}\n`);
    this.b.add(this.chance(0.3) ? name.toUpperCase() : name, 'NAME').newline();
    if (this.chance(0.5)) this.b.add(this.designation(), 'DESIGNATION').newline();
    const email = this.f.internet.email({ firstName: first, lastName: last }).toLowerCase();
    const phone = this.f.helpers.replaceSymbols(this.pick(PHONE_FORMATS));
    const contacts: [string, string, string][] = this.f.helpers.shuffle([
      ['Email: ', email, 'EMAIL'],
      ['Phone: ', phone, 'PHONE'],
      ['Address: ', this.location(), 'LOCATION'],
    ]);
    const labelled = this.chance(0.5);
    const separator = labelled && this.chance(0.5) ? '\n' : this.pick(vocab.SEPARATORS);
    contacts.forEach(([prefix, value, label], i) => {
      if (i > 0) this.b.add(separator);
      if (labelled) this.b.add(prefix);
      this.b.add(value, label);
    });
    if (this.chance(0.3)) this.b.add(`${separator}linkedin.com/in/${first.toLowerCase()}${last.toLowerCase()}`);
    this.b.newline();
  }

  private dates(): string {
    const start = this.f.number.int({ min: 2005, max: 2022 });
    const end = this.chance(0.3) ? 'Present' : String(this.f.number.int({ min: start, max: 2024 }));
    const dash = this.pick([' - ', ' – ', ' to ', '-']);
    return this.chance(0.5) ? `${this.pick(vocab.MONTHS)} ${start}${dash}${end}` : `${start}${dash}${end}`;
  }

  private summary(): void {
    this.heading('summary');
    this.template(this.pick(vocab.SUMMARY_PATTERNS));
    this.b.newline();
  }

  private experience(): void {
    this.heading('experience');
    const jobs = this.f.number.int({ min: 1, max: 3 });
    for (let job = 0; job < jobs; job++) {
      const layout = this.f.number.int({ min: 0, max: 3 });
      const company = this.f.company.name();
      if (layout === 0) this.b.add(this.designation(), 'DESIGNATION').add(' at ').add(company, 'COMPANY').add(` (${this.dates()})`);
      else if (layout === 1) this.b.add(company, 'COMPANY').add(this.pick([' — ', ' - ', ', '])).add(this.designation(), 'DESIGNATION');
      else if (layout === 2) this.b.add(this.dates()).newline().add(this.designation(), 'DESIGNATION').add(', ').add(company, 'COMPANY').add(', ').add(this.location(), 'LOCATION');
      else this.b.add('Worked as ').add(this.designation(), 'DESIGNATION').add(' in ').add(company, 'COMPANY').add(` from ${this.dates()}.`);
      this.b.newline();
      const bullets = this.f.number.int({ min: 0, max: jobs > 1 ? 1 : 2 });
      for (let i = 0; i < bullets; i++) {
        this.b.add(this.bullet);
        this.template(this.pick(vocab.BULLET_PATTERNS));
        this.b.newline();
      }
    }
  }

  private education(): void {
    this.heading('education');
    const entries = this.chance(0.3) ? 2 : 1;
    for (let i = 0; i < entries; i++) {
      const degree = this.pick(vocab.DEGREES);
      const college = this.college();
      const year = String(this.f.number.int({ min: 1995, max: 2024 }));
      const layout = this.f.number.int({ min: 0, max: 3 });
      if (layout === 0) this.b.add(degree, 'DEGREE').add(', ').add(college, 'COLLEGE').add(', ').add(year, 'GRADUATION_YEAR');
      else if (layout === 1) this.b.add(degree, 'DEGREE').add(' from ').add(college, 'COLLEGE').add(' (').add(year, 'GRADUATION_YEAR').add(')');
      else if (layout === 2) this.b.add(college, 'COLLEGE').newline().add(degree, 'DEGREE').add(' | ').add(year, 'GRADUATION_YEAR');
      else this.b.add(this.bullet).add(`${this.pick(['Graduated', 'Passed out', 'Completed'])} in `).add(year, 'GRADUATION_YEAR').add(' with ').add(degree, 'DEGREE').add(' - ').add(college, 'COLLEGE');
      if (this.chance(0.3)) this.b.add(`${this.pick([', ', ' ', '; '])}${this.pick(['GPA', 'CGPA', 'Percentage'])}: ${this.f.number.float({ min: 6, max: 9.9, fractionDigits: 1 })}`);
      this.b.newline();
    }
  }

  private skills(): void {
    this.heading('skills');
    const skills = [...new Set(Array.from({ length: this.f.number.int({ min: 3, max: 9 }) }, () => this.skill()))];
    if (this.chance(0.3)) {
      skills.forEach((skill) => this.b.add(this.bullet).add(skill, 'SKILLS').newline());
    } else {
      if (this.chance(0.3)) this.b.add(`${this.pick(['Languages', 'Tools', 'Technologies'])}: `);
      this.b.list(skills, this.pick(vocab.SEPARATORS), 'SKILLS').newline();
    }
  }

  write(): { text: string; spans: SpanDocument['spans'] } {
    this.header();
    const sections: Section[] = this.f.helpers.shuffle(['experience', 'education', 'skills']);
    if (this.chance(0.7)) sections.unshift('summary');
    for (const section of sections) this[section]();
    if (this.chance(0.25)) this.b.newline(2).add(this.pick(vocab.NOISE.slice(2)));
    return this.b.build();
  }
}

/** `count` resumes; the same seed gives byte-identical output. */
export function generateResumes(count: number, seed: number, idPrefix = 'resume'): SpanDocument[] {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  return Array.from({ length: count }, (_, i) => {
    const { text, spans } = new ResumeWriter(faker).write();
    const id = `${idPrefix}-${String(i + 1).padStart(5, '0')}`;
    return { kind: 'spans', id, where: `embedded resume ${i + 1} (seed ${seed})`, text, spans };
  });
}
