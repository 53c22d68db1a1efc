import { parseTicketSearch } from '../../src/tickets/ticket-search';

describe('what a search box asks for', () => {
  it('when it is a ticket number or a phone number, then it is that', () => {
    expect(parseTicketSearch(' 20261205-00042 ')).toEqual({ by: 'number', number: '20261205-00042' });
    expect(parseTicketSearch('139 1234 5678')).toEqual({ by: 'phone', phone: '+8613912345678' });
    expect(parseTicketSearch('+86-13912345678')).toEqual({ by: 'phone', phone: '+8613912345678' });
  });

  it('when it is words, then every word is asked for; an address’s one-character words only when nothing else is', () => {
    expect(parseTicketSearch('公积金 材料')).toEqual({ by: 'words', tsquery: "'公积金' & '材料'" });
    expect(parseTicketSearch('滨河路18号')).toEqual({ by: 'words', tsquery: "'滨河路' & '18'" });
    // Other one-character words tell tickets apart, and match the words they begin.
    expect(parseTicketSearch('对照组甲')).toEqual({ by: 'words', tsquery: "'对照组' & '甲':*" });
    expect(parseTicketSearch('水')).toEqual({ by: 'words', tsquery: "'水':*" });
    expect(parseTicketSearch('号')).toEqual({ by: 'words', tsquery: "'号':*" });
  });

  it('when it is only punctuation or quotes, then it asks for nothing and breaks nothing', () => {
    expect(parseTicketSearch('%')).toEqual({ by: 'words', tsquery: null });
    expect(parseTicketSearch("O'Brien")).toEqual({ by: 'words', tsquery: "'o':* & 'brien'" });
  });
});
