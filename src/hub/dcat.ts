import type { Distribution, PublicDataset } from './public-catalogue.ts';

/**
 * The public catalogue as DCAT-AP (2.1) JSON-LD, the metadata European and most national portals harvest.
 * The context is written inline, so no reader (and no test) ever fetches one. Codes come from the EU
 * Publications Office's authority tables (file types, frequencies, data themes), as DCAT-AP asks.
 */

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
} as const;

const AUTHORITY = 'http://publications.europa.eu/resource/authority';

const FILE_TYPES: Record<Distribution['format'], string> = {
  CSV: `${AUTHORITY}/file-type/CSV`,
  JSON: `${AUTHORITY}/file-type/JSON`,
  GeoJSON: `${AUTHORITY}/file-type/GEOJSON`,
};

const FREQUENCIES: Record<string, string> = {
  continuous: 'CONT',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  annual: 'ANNUAL',
  yearly: 'ANNUAL',
  irregular: 'IRREG',
};

/** Licences by their SPDX id; any other text is kept as the licence's label. */
const LICENCES: Record<string, string> = {
  'CC-BY-4.0': 'https://creativecommons.org/licenses/by/4.0/',
  'CC0-1.0': 'https://creativecommons.org/publicdomain/zero/1.0/',
  'ODbL-1.0': 'https://opendatacommons.org/licenses/odbl/1-0/',
  'PDDL-1.0': 'https://opendatacommons.org/licenses/pddl/1-0/',
};

/** Cases and evaluations are about government at work; everything else about the city and its places. */
const THEMES: Record<string, { code: string; en: string; zh: string }> = {
  GOVE: { code: 'GOVE', en: 'Government and public sector', zh: '政府和公共部门' },
  REGI: { code: 'REGI', en: 'Regions and cities', zh: '区域和城市' },
};

const text = (zh: string, en: string) => [
  { '@value': zh, '@language': 'zh' },
  { '@value': en, '@language': 'en' },
];
const instant = (at: Date) => ({ '@value': at.toISOString(), '@type': 'xsd:dateTime' });
const HAN = /\p{Script=Han}/u;

export interface CatalogueInfo {
  /** Where this server is reached, e.g. https://civicgrid.example.cn */
  origin: string;
  publisherZh: string;
  publisherEn: string;
  modified: Date;
}

export const CATALOGUE_PATH = '/api/v1/public/catalogue.jsonld';

function licenceOf(licence: string) {
  if (!licence) return undefined;
  const iri = LICENCES[licence];
  return iri
    ? { '@id': iri, '@type': 'dct:LicenseDocument', 'rdfs:label': licence }
    : { '@type': 'dct:LicenseDocument', 'rdfs:label': licence };
}

function distributionOf(info: CatalogueInfo, dataset: PublicDataset, distribution: Distribution) {
  const url = `${info.origin}${distribution.path}`;
  const licence = licenceOf(dataset.licence);
  return {
    '@id': `${info.origin}${CATALOGUE_PATH}#distribution-${distribution.id}`,
    '@type': 'dcat:Distribution',
    'dct:identifier': distribution.id,
    'dct:title': text(distribution.titleZh, distribution.titleEn),
    'dcat:accessURL': { '@id': url },
    // A datastore table is reached through its API; a release or the grid is downloaded as a file.
    ...(distribution.datastore ? {} : { 'dcat:downloadURL': { '@id': url } }),
    'dct:format': { '@id': FILE_TYPES[distribution.format], '@type': 'dct:MediaTypeOrExtent' },
    'dcat:mediaType': {
      '@id': `https://www.iana.org/assignments/media-types/${distribution.mediaType}`,
      '@type': 'dct:MediaType',
    },
    'dct:issued': instant(distribution.issued),
    'dct:modified': instant(distribution.modified),
    ...(licence ? { 'dct:license': licence } : {}),
  };
}

/** One public dataset as a dcat:Dataset node (without the context: the catalogue carries it). */
export function datasetNode(info: CatalogueInfo, dataset: PublicDataset) {
  const publisher = dataset.owner
    ? {
        '@id': `${info.origin}/api/3/action/organization_show?id=${encodeURIComponent(dataset.owner.code)}`,
        '@type': 'foaf:Agent',
        'foaf:name': text(dataset.owner.nameZh, dataset.owner.nameEn),
      }
    : // The catalogue's own publisher, written out in full, so the entry stands alone.
      {
        '@id': `${info.origin}/#publisher`,
        '@type': 'foaf:Agent',
        'foaf:name': text(info.publisherZh, info.publisherEn),
      };
  const theme = THEMES[dataset.kind === 'reference' || dataset.slug === 'grid-areas' ? 'REGI' : 'GOVE']!;
  const frequency = FREQUENCIES[dataset.updateFrequency];
  const description = dataset.description.trim();
  return {
    '@id': `${info.origin}${CATALOGUE_PATH}#dataset-${dataset.slug}`,
    '@type': 'dcat:Dataset',
    'dct:identifier': dataset.slug,
    'dct:title': text(dataset.titleZh, dataset.titleEn),
    // One description as written, tagged with its language; without one, the titles say what it is.
    'dct:description': description
      ? { '@value': description, '@language': HAN.test(description) ? 'zh' : 'en' }
      : text(dataset.titleZh, dataset.titleEn),
    'dct:publisher': publisher,
    'dcat:contactPoint': {
      '@type': ['vcard:Kind', 'vcard:Organization'],
      'vcard:fn': dataset.owner ? dataset.owner.nameZh : info.publisherZh,
      'vcard:hasURL': { '@id': publisher['@id'] },
    },
    'dct:issued': instant(dataset.createdAt),
    'dct:modified': instant(dataset.modifiedAt),
    'dcat:keyword': [dataset.kind, ...dataset.columns.map((c) => c.name)].slice(0, 20),
    'dcat:theme': {
      '@id': `${AUTHORITY}/data-theme/${theme.code}`,
      '@type': 'skos:Concept',
      'skos:prefLabel': text(theme.zh, theme.en),
    },
    ...(frequency
      ? { 'dct:accrualPeriodicity': { '@id': `${AUTHORITY}/frequency/${frequency}`, '@type': 'dct:Frequency' } }
      : {}),
    ...(dataset.spatialCoverage
      ? { 'dct:spatial': { '@type': 'dct:Location', 'rdfs:label': dataset.spatialCoverage } }
      : {}),
    ...(dataset.temporalStart || dataset.temporalEnd
      ? {
          'dct:temporal': {
            '@type': 'dct:PeriodOfTime',
            ...(dataset.temporalStart ? { 'dcat:startDate': instant(dataset.temporalStart) } : {}),
            ...(dataset.temporalEnd ? { 'dcat:endDate': instant(dataset.temporalEnd) } : {}),
          },
        }
      : {}),
    'dcat:landingPage': {
      '@id': `${info.origin}/api/3/action/package_show?id=${encodeURIComponent(dataset.slug)}`,
      '@type': 'foaf:Document',
    },
    'dcat:distribution': dataset.distributions.map((d) => distributionOf(info, dataset, d)),
  };
}

/** The dcat:Catalog of every public dataset, with its context inline. */
export function catalogueDocument(info: CatalogueInfo, datasets: readonly PublicDataset[]) {
  return {
    '@context': DCAT_CONTEXT,
    '@id': `${info.origin}${CATALOGUE_PATH}`,
    '@type': 'dcat:Catalog',
    'dct:title': text('城市数据目录（开放部分）', 'City data catalogue (open part)'),
    'dct:description': text(
      '本市公开的数据集：参考数据、网格区域与经隐私保护的案件统计。',
      'The city’s public datasets: reference data, grid areas and privacy-protected case counts.',
    ),
    'dct:publisher': {
      '@id': `${info.origin}/#publisher`,
      '@type': 'foaf:Agent',
      'foaf:name': text(info.publisherZh, info.publisherEn),
    },
    'foaf:homepage': { '@id': `${info.origin}/`, '@type': 'foaf:Document' },
    'dct:modified': instant(info.modified),
    'dcat:dataset': datasets.map((d) => datasetNode(info, d)),
  };
}
