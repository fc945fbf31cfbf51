//! One function per kind of page: what each page shows, read from the
//! model through the page's reader.

use super::context::*;
use super::opendata::twin_path;
use super::registers::kind_label;
use super::views::{PageBuilder, RenderResult, file_info, meeting_title, status_name};
use super::*;
use crate::load::schema::Vote;

impl PageBuilder<'_> {
    /// Renders the page of `job`.
    pub(super) fn page(&self, theme: &Theme, job: PageJob) -> RenderResult {
        match job {
            PageJob::Home => self.home(theme),
            PageJob::Committee(c, page) => self.committee_page(theme, c, page),
            PageJob::Meeting(m) => self.meeting_page(theme, m),
            PageJob::Item(i) => self.item_page(theme, i),
            PageJob::Document(d) => self.document_page(theme, d),
            PageJob::Topics => self.topics_page(theme),
            PageJob::Topic(t, page) => self.topic_page(theme, t, page),
            PageJob::People => self.people_page(theme),
            PageJob::Person(p, page) => self.person_page(theme, p, page),
            PageJob::Meetings(page) => self.meetings_page(theme, page),
            PageJob::Decisions(c) => self.decisions_index(theme, c),
            PageJob::DecisionYear(c, year, page) => self.decision_year_page(theme, c, year, page),
            PageJob::DecisionsFeed => self.decisions_feed(theme),
            PageJob::Calendar(c) => Ok(self.calendar(c)),
            PageJob::Actions(page) => self.actions_page(theme, page),
            PageJob::Declarations(page) => self.declarations_page(theme, page),
            PageJob::Search => {
                // The form as written to disk: its committees to choose from.
                let data = SearchPage {
                    form: SearchForm::new(&self.committee_choices(), &|_| None),
                    ..SearchPage::default()
                };
                let page = self.meta("Search", "/search/", "search");
                self.plain_page(theme, "search.html", page, &data)
            }
            PageJob::NotFound => {
                let page = self.meta("Page not found", "/404.html", "404");
                self.plain_page(theme, "404.html", page, &SearchPage::default())
            }
            PageJob::SiteFeed => self.site_feed(theme),
            PageJob::CommitteeFeed(c) => self.committee_feed(theme, c),
            PageJob::TopicFeed(t) => self.topic_feed(theme, t),
            PageJob::Sitemap => Ok(self.sitemap(theme)),
            PageJob::Robots => Ok(self.robots()),
            PageJob::Asset(k) => Ok(asset(theme, k)),
            PageJob::Attachment(f) => Ok(self.attachment(f)),
            PageJob::AttachmentText(f) => self.attachment_text(theme, f),
            PageJob::Twin(record) => self.twin(record),
            PageJob::Data(file) => self.data_file(theme, file),
        }
    }

    fn home(&self, theme: &Theme) -> RenderResult {
        let a = self.archive();
        let mut topics: Vec<CountedLink> = (0..self.r.topics().len())
            .map(|t| {
                let topic = self.r.topic_headline(t);
                CountedLink {
                    title: topic.name.to_owned(),
                    url: self.url(topic.url),
                    count: self.r.topic_items(t).len(),
                }
            })
            .collect();
        topics.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.title.cmp(&y.title)));
        topics.truncate(20);
        let all = self.r.meetings_newest_first();
        let held = all.partition_point(|&m| self.is_upcoming(self.r.meeting_headline(m).date));
        let data = HomePage {
            upcoming_meetings: (all[..held].iter().rev().take(HOME_MEETINGS))
                .map(|&m| self.meeting_summary(m))
                .collect(),
            latest_meetings: (all[held..].iter().take(HOME_MEETINGS))
                .map(|&m| self.meeting_summary(m))
                .collect(),
            calendar_url: self.url(&calendar_path(a, None)),
            committees: (0..self.r.committees().len())
                .map(|c| self.committee_summary(c))
                .collect(),
            topics,
            counts: Counts {
                committees: self.r.committees().len(),
                meetings: self.r.meetings_newest_first().len(),
                items: self.r.item_count(),
                topics: self.r.topics().len(),
                people: self.r.people().len(),
            },
        };
        let mut page = self.meta(&a.config.title, "/", "home");
        page.feed = Some(self.site.feed.clone());
        self.finish(theme, "index.html", page, vec![], None, &data)
    }

    fn committee_page(&self, theme: &Theme, i: Id, page_no: usize) -> RenderResult {
        let c = self.r.committee(i);
        self.body_links(&c.refers_to);
        let newest_first: Vec<Id> = c.meetings.iter().rev().copied().collect();
        let data = CommitteePage {
            committee: CommitteeView {
                title: c.title.clone(),
                short: c.short.clone(),
                authority: c.authority.clone(),
                url: self.url(&c.url),
                decisions_url: self.url(&decisions_path(self.archive(), Some(i))),
                calendar_url: self.url(&calendar_path(self.archive(), Some(i))),
                remit_html: self.archive().bodies.render(&c.remit)?.html,
                members: self.people(&c.members),
                extra: c.extra.clone(),
            },
            upcoming: if page_no == 0 {
                (c.meetings.iter())
                    .filter(|&&m| self.is_upcoming(self.r.meeting_headline(m).date))
                    .map(|&m| self.meeting_summary(m))
                    .collect()
            } else {
                Vec::new()
            },
            attendance: if page_no == 0 {
                self.committee_attendance(i, &c.members)
            } else {
                Vec::new()
            },
            years: self.meetings_by_year(chunk(&newest_first, page_no).iter().copied()),
            referenced_by: self.references(&c.referenced_by),
            pager: self.pager(&c.url, page_no, page_count(c.meetings.len())),
        };
        let path = paged_path(&c.url, page_no);
        let mut page = self.meta(&paged_title(&c.title, page_no), &path, "committee");
        page.feed = Some(self.url(&format!("{}feed.xml", c.url)));
        page.data = Some(self.url(&twin_path(&c.url)));
        page.description = c
            .authority
            .as_ref()
            .map(|auth| format!("Meetings and minutes of the {}, {auth}", c.title));
        let crumbs = vec![self.home_crumb()];
        self.finish(
            theme,
            "committee.html",
            page,
            crumbs,
            Some(&c.source),
            &data,
        )
    }

    fn meeting_page(&self, theme: &Theme, i: Id) -> RenderResult {
        let m = self.r.meeting(i);
        self.body_links(&m.refers_to);
        let committee = self.r.committee_headline(m.committee).title;
        let title = format!(
            "{committee} — {}",
            meeting_title(m.date, &m.folder, m.label.as_deref())
        );
        let data = MeetingPage {
            meeting: MeetingView {
                title: meeting_title(m.date, &m.folder, m.label.as_deref()),
                url: self.url(&m.url),
                date: DateView::new(m.date),
                time: m.time.clone(),
                venue: m.venue.clone(),
                chair: m.chair.as_ref().map(|p| self.person(p)),
                attendees: self.people(&m.attendees),
                apologies: self.people(&m.apologies),
                status: status_name(m.status),
                upcoming: self.is_upcoming(m.date),
                recording: m.recording.as_ref().map(|r| recording_view(r, None)),
                notes_html: self.archive().bodies.render(&m.notes)?.html,
                extra: m.extra.clone(),
            },
            committee: self.committee_link(m.committee),
            agenda: self.agenda(m),
            decision_count: (m.items.iter())
                .map(|&it| self.r.item_headline(it).decisions.len())
                .sum(),
            previous: m.previous.map(|p| self.meeting_link(p)),
            next: m.next.map(|n| self.meeting_link(n)),
            referenced_by: self.references(&m.referenced_by),
        };
        let crumbs = vec![self.home_crumb(), self.committee_link(m.committee)];
        let mut page = self.meta(&title, &m.url, "meeting");
        page.data = Some(self.url(&twin_path(&m.url)));
        let source = m.source.as_deref();
        self.finish(theme, "meeting.html", page, crumbs, source, &data)
    }

    /// A meeting's agenda: its published items, and a line for each exempt
    /// one, in order.
    fn agenda(&self, m: &Meeting) -> Vec<AgendaEntry> {
        let mut agenda: Vec<(u32, AgendaEntry)> = (m.items.iter())
            .map(|&it| (self.r.item_headline(it).order, self.agenda_entry(it)))
            .collect();
        agenda.extend(m.exempt.iter().map(|notice| {
            let entry = AgendaEntry {
                number: notice.number.clone(),
                title: notice.public_title.clone().unwrap_or_default(),
                url: String::new(),
                purpose: None,
                presenters: Vec::new(),
                decisions_html: Vec::new(),
                draft: false,
                exempt: true,
                exempt_reason: notice.reason.clone(),
            };
            (notice.order, entry)
        }));
        // Stable: an exempt item sharing a number follows the public one.
        agenda.sort_by_key(|&(order, _)| order);
        agenda.into_iter().map(|(_, entry)| entry).collect()
    }

    fn agenda_entry(&self, i: Id) -> AgendaEntry {
        let item = self.r.item_headline(i);
        AgendaEntry {
            number: item.number.to_owned(),
            title: item.title.to_owned(),
            url: self.url(item.url),
            purpose: item.purpose.map(str::to_owned),
            presenters: self.people(item.presenters),
            decisions_html: (item.decisions.iter())
                .map(|d| markdown::render_inline(&d.text, &self.archive().bodies.html()))
                .collect(),
            draft: item.draft,
            exempt: false,
            exempt_reason: None,
        }
    }

    fn item_page(&self, theme: &Theme, i: Id) -> RenderResult {
        let a = self.archive();
        let item = self.r.item(i);
        self.body_links(&item.refers_to);
        let html = a.bodies.html();
        let data = ItemPage {
            item: ItemView {
                title: item.title.clone(),
                url: self.url(&item.url),
                number: item.number.clone(),
                purpose_html: item
                    .purpose
                    .as_ref()
                    .map(|p| markdown::render_inline(p, &html)),
                presenters: self.people(&item.presenters),
                topics: item.topics.iter().map(|&t| self.topic_link(t)).collect(),
                minutes_html: self.item_minutes(i)?.html,
                decisions: (item.decisions.iter())
                    .map(|d| DecisionView {
                        text_html: markdown::render_inline(&d.text, &html),
                        votes: d.votes.map(VotesView::of),
                        recorded: (d.recorded.iter())
                            .map(|(voter, vote)| RecordedVoteView {
                                member: self.person(voter),
                                vote: vote.words(),
                            })
                            .collect(),
                    })
                    .collect(),
                actions: (item.actions.iter().enumerate())
                    .map(|(k, act)| self.action(act, k))
                    .collect(),
                declarations: item
                    .declarations
                    .iter()
                    .map(|d| DeclarationView {
                        member: self.person(&d.member),
                        interest: d.interest.clone(),
                        kind: d.kind.as_deref().map(kind_label),
                    })
                    .collect(),
                documents: item
                    .supporting
                    .iter()
                    .map(|&s| self.supporting(s))
                    .collect(),
                related: item.related.iter().map(|&r| self.item_summary(r)).collect(),
                referenced_by: self.references(&item.referenced_by),
                draft: item.draft,
                recording: (self.r.meeting_headline(item.meeting).recording)
                    .map(|r| recording_view(r, item.recording_at)),
                extra: item.extra.clone(),
            },
            meeting: self.meeting_summary(item.meeting),
            committee: self.committee_link(item.committee),
            previous: item.previous.map(|p| self.item_link(p)),
            next: item.next.map(|n| self.item_link(n)),
        };
        let crumbs = self.meeting_trail(item.committee, item.meeting);
        let mut page = self.meta(&item.title, &item.url, "item");
        page.data = Some(self.url(&twin_path(&item.url)));
        page.description = item.purpose.as_deref().map(markdown::plain_text);
        self.finish(theme, "item.html", page, crumbs, Some(&item.source), &data)
    }

    /// The `k`th action of an item.
    pub(super) fn action(&self, act: &Action, k: usize) -> ActionView {
        ActionView {
            action: act.action.clone(),
            owner: act.owner.as_ref().map(|o| self.person(o)),
            due: act.due.map(DateView::new),
            status: act.status.name(),
            done: act.done.map(DateView::new),
            overdue: act.is_overdue(self.archive().config.today),
            anchor: action_anchor(k),
        }
    }

    fn supporting(&self, s: Supporting) -> DocumentLink {
        match s {
            Supporting::Document(d) => {
                let doc = self.r.document_headline(d);
                DocumentLink {
                    title: doc.title.to_owned(),
                    url: self.url(doc.url),
                    kind: doc.kind.map(str::to_owned),
                    file_info: None,
                    is_attachment: false,
                    text_url: None,
                }
            }
            Supporting::Attachment(f) => {
                let file = self.r.attachment(f);
                DocumentLink {
                    title: file.title.clone(),
                    url: self.url(&file.url),
                    kind: None,
                    file_info: Some(file_info(&file.name, file.bytes)),
                    is_attachment: true,
                    text_url: file.text.as_ref().map(|_| self.url(&text_path(file))),
                }
            }
        }
    }

    fn document_page(&self, theme: &Theme, i: Id) -> RenderResult {
        let doc = self.r.document(i);
        self.body_links(&doc.refers_to);
        let item = self.r.item_headline(doc.item);
        let data = DocumentPage {
            document: DocumentView {
                title: doc.title.clone(),
                url: self.url(&doc.url),
                kind: doc.kind.clone(),
                date: doc.date.map(DateView::new),
                author: doc.author.as_ref().map(|p| self.person(p)),
                body_html: self.archive().bodies.render(&doc.body)?.html,
                referenced_by: self.references(&doc.referenced_by),
                extra: doc.extra.clone(),
            },
            item: self.item_link(doc.item),
            meeting: self.meeting_summary(item.meeting),
            committee: self.committee_link(item.committee),
        };
        let mut crumbs = self.meeting_trail(item.committee, item.meeting);
        crumbs.push(self.item_link(doc.item));
        let mut page = self.meta(&doc.title, &doc.url, "document");
        page.data = Some(self.url(&twin_path(&doc.url)));
        self.finish(
            theme,
            "document.html",
            page,
            crumbs,
            Some(&doc.source),
            &data,
        )
    }

    fn topics_page(&self, theme: &Theme) -> RenderResult {
        let data = TopicsPage {
            topics: (0..self.r.topics().len())
                .map(|t| self.topic_entry(t))
                .collect(),
        };
        let page = self.meta("Topics", "/topics/", "topics");
        self.finish(
            theme,
            "topics.html",
            page,
            vec![self.home_crumb()],
            None,
            &data,
        )
    }

    fn topic_page(&self, theme: &Theme, t: Id, p: usize) -> RenderResult {
        let topic = self.r.topic(t);
        let base = topic.url.as_str();
        let data = TopicPage {
            topic: self.topic_entry(t),
            years: self.items_by_year(chunk(&topic.items, p).iter().copied()),
            committees: topic
                .committees
                .iter()
                .map(|&(c, count)| {
                    let l = self.committee_link(c);
                    CountedLink {
                        title: l.title,
                        url: l.url,
                        count,
                    }
                })
                .collect(),
            pager: self.pager(base, p, page_count(topic.items.len())),
        };
        let path = paged_path(base, p);
        let mut page = self.meta(&paged_title(&topic.name, p), &path, "topic");
        page.feed = Some(self.url(&format!("{base}feed.xml")));
        page.data = Some(self.url(&twin_path(base)));
        let crumbs = vec![self.home_crumb(), self.link("Topics", "/topics/")];
        self.finish(theme, "topic.html", page, crumbs, None, &data)
    }

    fn people_page(&self, theme: &Theme) -> RenderResult {
        let data = PeoplePage {
            people: (0..self.r.people().len())
                .map(|p| self.person_entry(p))
                .collect(),
        };
        let page = self.meta("People", "/people/", "people");
        self.finish(
            theme,
            "people.html",
            page,
            vec![self.home_crumb()],
            None,
            &data,
        )
    }

    fn person_page(&self, theme: &Theme, i: Id, page_no: usize) -> RenderResult {
        let p = self.r.person(i);
        let meetings = |list: &[Id]| -> Vec<MeetingSummary> {
            chunk(list, page_no)
                .iter()
                .map(|&m| self.meeting_summary(m))
                .collect()
        };
        let data = PersonPage {
            person: self.person_entry(i),
            councils: self.councils_of(p),
            attendance: if page_no == 0 {
                (p.memberships.iter())
                    .filter_map(|&c| self.attendance_row(self.committee_link(c), self.tally(c, i)))
                    .collect()
            } else {
                Vec::new()
            },
            memberships: if page_no == 0 {
                p.memberships
                    .iter()
                    .map(|&c| self.committee_link(c))
                    .collect()
            } else {
                Vec::new()
            },
            presented: chunk(&p.presented, page_no)
                .iter()
                .map(|&it| self.item_summary(it))
                .collect(),
            chaired: meetings(&p.chaired),
            attended: meetings(&p.attended),
            apologies: meetings(&p.apologies),
            declarations: chunk(&p.declarations, page_no)
                .iter()
                .map(|&(it, k)| {
                    let d = &self.r.item_headline(it).declarations[k];
                    PersonDeclaration {
                        item: self.item_summary(it),
                        interest: d.interest.clone(),
                        kind: d.kind.as_deref().map(kind_label),
                    }
                })
                .collect(),
            votes: chunk(&p.votes, page_no)
                .iter()
                .map(|&(it, k)| self.person_vote(i, it, k))
                .collect(),
            actions: chunk(&p.actions, page_no)
                .iter()
                .map(|&(it, k)| PersonAction {
                    item: self.item_summary(it),
                    action: self.action(&self.r.item_headline(it).actions[k], k),
                })
                .collect(),
            authored: chunk(&p.authored, page_no)
                .iter()
                .map(|&d| {
                    let doc = self.r.document_headline(d);
                    self.link(doc.title, doc.url)
                })
                .collect(),
            pager: self.pager(&p.url, page_no, person_pages(p)),
        };
        let crumbs = vec![self.home_crumb(), self.link("People", "/people/")];
        let path = paged_path(&p.url, page_no);
        let mut page = self.meta(&paged_title(&p.name, page_no), &path, "person");
        page.data = Some(self.url(&twin_path(&p.url)));
        self.finish(theme, "person.html", page, crumbs, None, &data)
    }

    /// How `person` voted on the `k`th decision of item `it`.
    fn person_vote(&self, person: Id, it: Id, k: usize) -> PersonVote {
        let item = self.r.item_headline(it);
        let decision = &item.decisions[k];
        let vote = decision.vote_of(person).map_or("", Vote::words);
        PersonVote {
            url: self.url(&format!("{}#{}", item.url, decision_anchor(k))),
            item: self.item_summary(it),
            decision: markdown::plain_text(&decision.text),
            vote,
        }
    }

    /// The councils a person appears for: the authorities of the
    /// committees they are a member of, chaired, attended or presented to.
    pub(super) fn councils_of(&self, p: &Person) -> Vec<String> {
        let meetings = (p.chaired.iter().chain(&p.attended).chain(&p.apologies))
            .map(|&m| self.r.meeting_headline(m).committee);
        let items = (p.presented.iter()).map(|&it| self.r.item_headline(it).committee);
        let mut councils: Vec<String> = (p.memberships.iter().copied())
            .chain(meetings)
            .chain(items)
            .filter_map(|c| self.r.committee_headline(c).authority.map(str::to_owned))
            .collect();
        councils.sort();
        councils.dedup();
        councils
    }

    fn meetings_page(&self, theme: &Theme, page_no: usize) -> RenderResult {
        let all = self.r.meetings_newest_first();
        let data = MeetingsPage {
            calendar_url: self.url(&calendar_path(self.archive(), None)),
            years: self.meetings_by_year(chunk(all, page_no).iter().copied()),
            pager: self.pager("/meetings/", page_no, page_count(all.len())),
        };
        let path = paged_path("/meetings/", page_no);
        let page = self.meta(&paged_title("All meetings", page_no), &path, "meetings");
        self.finish(
            theme,
            "meetings.html",
            page,
            vec![self.home_crumb()],
            None,
            &data,
        )
    }

    /// A page that shows no records: the search page as written to disk,
    /// and the 404 page.
    fn plain_page(
        &self,
        theme: &Theme,
        template: &'static str,
        page: PageMeta,
        data: &SearchPage,
    ) -> RenderResult {
        self.finish(theme, template, page, vec![self.home_crumb()], None, data)
    }

    fn site_feed(&self, theme: &Theme) -> RenderResult {
        let items = self.r.items_newest_first();
        let title = &self.archive().config.title;
        self.feed(theme, title, "/", "/feed.xml", &items)
    }

    fn committee_feed(&self, theme: &Theme, c: Id) -> RenderResult {
        let committee = self.r.committee_headline(c);
        let items = self.r.committee_items_newest_first(c);
        let title = format!("{} — {}", committee.title, self.archive().config.title);
        let feed = format!("{}feed.xml", committee.url);
        self.feed(theme, &title, committee.url, &feed, &items)
    }

    fn topic_feed(&self, theme: &Theme, t: Id) -> RenderResult {
        let topic = self.r.topic(t);
        let title = format!("{} — {}", topic.name, self.archive().config.title);
        let feed = format!("{}feed.xml", topic.url);
        self.feed(theme, &title, &topic.url, &feed, &topic.items)
    }

    fn sitemap(&self, theme: &Theme) -> RenderedPage {
        self.r.page_list();
        let a = self.archive();
        let pages =
            (jobs(a, theme).into_iter()).map(|j| (job_path(a, theme, j), self.page_modified(j)));
        RenderedPage {
            url: "/sitemap.xml".into(),
            source: None,
            template: "sitemap.xml",
            contents: Contents::Text(sitemap::xml(a, pages)),
            reads: Vec::new(),
        }
    }

    /// When the content file a page is made from last changed, as a date
    /// where the archive is; never after the build's date, so that a
    /// build with a fixed date (`--today`, `SOURCE_DATE_EPOCH`) from a
    /// fresh checkout, whose files all date from the checkout, is the same
    /// each time. Pages of the site's own (lists, topics, people) have none.
    fn page_modified(&self, job: PageJob) -> Option<chrono::NaiveDate> {
        let seconds = match job {
            PageJob::Committee(c, 0) => self.r.committee(c).modified,
            PageJob::Meeting(m) => self.r.meeting(m).modified,
            PageJob::Item(i) => self.r.item(i).modified,
            PageJob::Document(d) => self.r.document(d).modified,
            _ => None,
        }?;
        let config = &self.archive().config;
        Some(config.date_at(seconds)?.min(config.today))
    }

    /// `robots.txt`: all pages may be crawled but search results (the
    /// search page and its API, which answer every query anew), and where
    /// the sitemap is.
    fn robots(&self) -> RenderedPage {
        let a = self.archive();
        let mut text = String::from("User-agent: *\nDisallow: /search/\nDisallow: /api/\n");
        if a.config.base_url.is_some() {
            text.push_str(&format!("\nSitemap: {}\n", self.absolute("/sitemap.xml")));
        }
        RenderedPage {
            url: "/robots.txt".into(),
            source: None,
            template: "",
            contents: Contents::Text(text),
            reads: Vec::new(),
        }
    }

    /// The breadcrumbs down to a meeting: home, its committee, it.
    fn meeting_trail(&self, committee: Id, meeting: Id) -> Vec<Link> {
        vec![
            self.home_crumb(),
            self.committee_link(committee),
            self.meeting_link(meeting),
        ]
    }

    /// The words of an attached file, page by page, for screen readers and
    /// search engines (the file itself stays the record).
    fn attachment_text(&self, theme: &Theme, f: Id) -> RenderResult {
        let file = self.r.attachment(f);
        let text = file.text.as_deref();
        let item = self.r.item_headline(file.item);
        let data = AttachmentTextPage {
            file: AttachmentTextView {
                title: file.title.clone(),
                name: file.name.clone(),
                url: self.url(&file.url),
                file_info: file_info(&file.name, file.bytes),
                pages: text.map(text_pages).unwrap_or_default(),
                unread: text.is_some_and(|t| t.problem.is_some()),
            },
            item: self.item_link(file.item),
            meeting: self.meeting_summary(item.meeting),
        };
        let mut crumbs = self.meeting_trail(item.committee, item.meeting);
        crumbs.push(self.item_link(file.item));
        let path = text_path(file);
        let mut page = self.meta(&format!("{} (text)", file.title), &path, "attachment-text");
        page.path = crate::urls::percent_decode(&path);
        self.finish(
            theme,
            "attachment-text.html",
            page,
            crumbs,
            Some(&file.source),
            &data,
        )
    }

    fn attachment(&self, f: Id) -> RenderedPage {
        let file = self.r.attachment(f);
        // Whether its item is still published is part of the item.
        self.r.item_headline(file.item);
        RenderedPage {
            url: crate::urls::percent_decode(&file.url),
            source: Some(file.source.clone()),
            template: "",
            contents: Contents::File(file.file.clone()),
            reads: Vec::new(),
        }
    }
}

/// A file's pages as the text page shows them: paragraphs where the text
/// has a blank line, the lines of each joined.
fn text_pages(text: &crate::load::text::FileText) -> Vec<TextPage> {
    (text.pages.iter().enumerate())
        .map(|(i, page)| TextPage {
            number: i + 1,
            paragraphs: (page.split("\n\n"))
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect(),
        })
        .collect()
}

/// A file of the theme's `static/` folder (or a built-in one).
fn asset(theme: &Theme, k: usize) -> RenderedPage {
    let (rel, asset) = theme
        .assets
        .iter()
        .nth(k)
        .expect("asset jobs are made from the theme's assets");
    RenderedPage {
        url: format!("/{rel}"),
        source: None,
        template: "",
        contents: match asset {
            theme::Asset::Builtin(bytes) => Contents::Bytes(bytes),
            theme::Asset::File(path) => Contents::File(path.clone()),
        },
        reads: Vec::new(),
    }
}

/// A recording's link, at `seconds` in it when given.
fn recording_view(r: &Recording, seconds: Option<u32>) -> RecordingView {
    RecordingView {
        url: seconds.map_or_else(|| r.url.clone(), |s| r.at(s)),
        title: (r.title.clone()).unwrap_or_else(|| "Recording of the meeting".to_owned()),
        at: seconds.map(|s| format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)),
    }
}
