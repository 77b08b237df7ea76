//! Benchmark of the job board's search (issue 3): 100,000 generated offers, then typical
//! filtered full-text queries through the HTTP API, one at a time (latency, not throughput).
//!
//! The offers are written by the import path (`passerelle::jobs::import`, what `passerelle
//! jobs import` runs) into the database of a release server started as a separate process;
//! then the queries go to that server's `GET /api/v1/jobs` with a member's token.
//!
//! `cargo run --release -p federation-tests --bin job-board-bench -- --help`

use anyhow::{Context, bail};
use clap::Parser;
use federation_tests::{Backend, Instance};
use passerelle::jobs::JobInput;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Backends to measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// Offers generated.
    #[arg(long, default_value_t = 100_000)]
    offers: usize,
    /// Queries timed (after 200 of warm-up).
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
}

/// A small deterministic generator (xorshift), so every run searches the same offers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const JOBS: &[&str] = &[
    "Cuisinier",
    "Commis de cuisine",
    "Plongeur",
    "Serveur",
    "Barman",
    "Boulanger",
    "Pâtissier",
    "Boucher",
    "Vendeur",
    "Caissier",
    "Préparateur de commandes",
    "Cariste",
    "Magasinier",
    "Chauffeur livreur",
    "Agent d'entretien",
    "Aide à domicile",
    "Auxiliaire de vie",
    "Aide-soignant",
    "Infirmier",
    "Animateur",
    "Éducateur",
    "Maçon",
    "Électricien",
    "Plombier",
    "Peintre en bâtiment",
    "Menuisier",
    "Jardinier",
    "Agent de sécurité",
    "Réceptionniste",
    "Assistant administratif",
    "Comptable",
    "Secrétaire",
    "Chargé de clientèle",
    "Téléconseiller",
    "Développeur web",
    "Technicien informatique",
    "Graphiste",
    "Chef de projet",
    "Formateur",
    "Conseiller en insertion",
    "Mécanicien",
    "Carrossier",
    "Soudeur",
    "Opérateur de production",
    "Agent de quai",
    "Coiffeur",
    "Esthéticien",
    "Fleuriste",
    "Libraire",
    "Agent d'accueil",
];
const WORDS: &[&str] = &[
    "équipe",
    "clients",
    "accueil",
    "service",
    "qualité",
    "sécurité",
    "horaires",
    "semaine",
    "matin",
    "soir",
    "week-end",
    "formation",
    "tutorat",
    "accompagnement",
    "autonomie",
    "rigueur",
    "ponctualité",
    "polyvalence",
    "relation",
    "écoute",
    "préparation",
    "nettoyage",
    "rangement",
    "livraison",
    "stock",
    "inventaire",
    "commande",
    "caisse",
    "vente",
    "conseil",
    "produits",
    "frais",
    "cuisine",
    "salle",
    "atelier",
    "chantier",
    "entrepôt",
    "magasin",
    "restaurant",
    "hôtel",
    "crèche",
    "école",
    "association",
    "entreprise",
    "collectivité",
    "quartier",
    "public",
    "jeunes",
    "personnes",
    "âgées",
    "enfants",
    "familles",
    "patients",
    "résidents",
    "bénévoles",
    "outils",
    "machines",
    "véhicule",
    "permis",
    "logiciel",
    "tableur",
    "courriels",
    "téléphone",
    "planning",
    "réunion",
    "projet",
    "dossier",
    "devis",
    "factures",
    "paie",
    "budget",
    "normes",
    "hygiène",
    "gestes",
    "postures",
    "tenue",
    "fourni",
    "mutuelle",
    "tickets",
    "transport",
    "prime",
    "évolution",
    "contrat",
    "période",
    "essai",
    "poste",
    "débutant",
    "accepté",
    "motivation",
    "envie",
    "apprendre",
    "curiosité",
    "sourire",
    "dynamisme",
    "solidarité",
];
const SKILLS: &[&str] = &[
    "Cuisine",
    "Hygiène alimentaire",
    "Pâtisserie",
    "Service en salle",
    "Caisse",
    "Vente",
    "Accueil",
    "Relation client",
    "Manutention",
    "CACES",
    "Permis B",
    "Conduite",
    "Nettoyage",
    "Soins",
    "Animation",
    "Petite enfance",
    "Maçonnerie",
    "Électricité",
    "Plomberie",
    "Peinture",
    "Menuiserie",
    "Jardinage",
    "Sécurité",
    "Bureautique",
    "Comptabilité",
    "Secrétariat",
    "Téléphone",
    "HTML",
    "JavaScript",
    "Rust",
    "Réseaux",
    "Graphisme",
    "Gestion de projet",
    "Pédagogie",
    "Mécanique",
    "Soudure",
    "Production",
    "Logistique",
    "Coiffure",
    "Anglais",
];
const CITIES: &[&str] = &[
    "Paris",
    "Lyon",
    "Marseille",
    "Lille",
    "Toulouse",
    "Nantes",
    "Bordeaux",
    "Strasbourg",
    "Rennes",
    "Grenoble",
    "Montpellier",
    "Nice",
    "Dijon",
    "Angers",
    "Brest",
    "Tours",
    "Metz",
    "Rouen",
    "Reims",
    "Limoges",
    "Amiens",
    "Besançon",
    "Caen",
    "Orléans",
    "Mulhouse",
    "Nancy",
    "Poitiers",
    "Pau",
    "Perpignan",
    "Avignon",
    "Saint-Étienne",
    "Clermont-Ferrand",
    "Le Havre",
    "Villeurbanne",
    "Roubaix",
    "Tourcoing",
    "Nanterre",
    "Créteil",
    "Versailles",
    "Argenteuil",
];
const CONTRACTS: &[&str] = &[
    "permanent",
    "fixed_term",
    "internship",
    "apprenticeship",
    "temporary",
    "seasonal",
    "freelance",
    "volunteering",
    "civic_service",
];

fn offer(rng: &mut Rng) -> JobInput {
    let title = rng.pick(JOBS).to_string();
    let words: Vec<&str> = (0..30 + rng.below(40)).map(|_| rng.pick(WORDS)).collect();
    let skills = |rng: &mut Rng, n: usize| -> Vec<String> {
        (0..n).map(|_| rng.pick(SKILLS).to_string()).collect()
    };
    let remote = match rng.below(10) {
        0 => "full",
        1 | 2 => "partial",
        _ => "no",
    };
    let salary = rng.chance(60).then(|| 1400 + rng.below(2000) as i64);
    JobInput {
        description: format!("{title}. {}", words.join(" ")),
        title,
        contract_type: rng.pick(CONTRACTS).into(),
        working_time: if rng.chance(70) {
            "full_time"
        } else {
            "part_time"
        }
        .into(),
        location: if remote == "full" {
            String::new()
        } else {
            rng.pick(CITIES).into()
        },
        remote: remote.into(),
        salary_min: salary,
        salary_max: salary.map(|s| s + 300),
        salary_currency: String::new(),
        salary_period: if salary.is_some() {
            "month".into()
        } else {
            String::new()
        },
        required_skills: {
            let n = 1 + rng.below(3);
            skills(rng, n)
        },
        nice_to_have_skills: {
            let n = rng.below(3);
            skills(rng, n)
        },
        experience_level: rng
            .pick(&["", "none", "junior", "confirmed", "senior"])
            .into(),
        open_without_diploma: rng.chance(40),
        open_without_experience: rng.chance(30),
        start_date: None,
        closes_on: None,
        languages: if rng.chance(80) {
            vec!["fr".into()]
        } else {
            vec!["fr".into(), "en".into()]
        },
        how_to_apply: String::new(),
    }
}

/// A typical search: one or two words (a job, a word of the description) and one or two
/// filters, as the board's form sends them.
fn query(rng: &mut Rng) -> String {
    let job = rng
        .pick(JOBS)
        .split_whitespace()
        .next()
        .unwrap_or("Cuisinier");
    let mut q = vec![("q", job.to_string())];
    if rng.chance(40) {
        q[0].1 = format!("{} {}", q[0].1, rng.pick(WORDS));
    }
    match rng.below(5) {
        0 => q.push(("contract", rng.pick(CONTRACTS).into())),
        1 => q.push(("without_diploma", "true".into())),
        2 => q.push(("place", rng.pick(CITIES).into())),
        3 => {
            q.push(("place", rng.pick(CITIES).into()));
            q.push(("remote", "partial".into()));
        }
        _ => q.push(("skills", rng.pick(SKILLS).into())),
    }
    if rng.chance(30) {
        q.push(("sort", "date".into()));
    }
    let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
    serde_urlencoded_like(&pairs)
}

fn serde_urlencoded_like(pairs: &[(&str, &str)]) -> String {
    let mut u = url::Url::parse("http://x/").expect("valid");
    u.query_pairs_mut().extend_pairs(pairs);
    u.query().unwrap_or("").to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let node = std::env::current_exe()?
        .parent()
        .context("no parent dir")?
        .join("passerelle-node");
    if !node.exists() {
        bail!("build the server first: cargo build --release -p federation-tests");
    }
    for b in &args.backends {
        let backend = match b.as_str() {
            "sqlite" => Backend::Sqlite,
            "postgres" if Backend::Postgres.available() => Backend::Postgres,
            "postgres" => {
                eprintln!("skipping postgres: set PASSERELLE_TEST_POSTGRES_URL");
                continue;
            }
            other => bail!("unknown backend {other}"),
        };
        run(&node, backend, &args).await?;
    }
    Ok(())
}

async fn run(node: &std::path::Path, backend: Backend, args: &Args) -> anyhow::Result<()> {
    println!("## {backend:?}");
    let env = vec![("RUST_LOG".into(), "warn".into())];
    let server = Instance::start_with(node, backend, "board", env).await?;
    let owner = server.member("owner").await?;
    let (s, org) = owner
        .post(
            "/api/v1/organisations",
            serde_json::json!({"handle": "employeur", "name": "Employeur", "location": "Lyon"}),
        )
        .await?;
    anyhow::ensure!(s == 201, "organisation: {org}");
    let reader = server.member("reader").await?;

    // the offers, through the import path, in one transaction
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let offers: Vec<JobInput> = (0..args.offers).map(|_| offer(&mut rng)).collect();
    let config = passerelle::config::Config::load(
        None,
        vec![
            (
                "PASSERELLE_DATABASE__URL".to_string(),
                server.database_url.clone(),
            ),
            ("PASSERELLE_INSTANCE__DOMAIN".into(), server.domain()),
        ],
    )?;
    let state = passerelle::build_state(config, server.port).await?;
    let started = Instant::now();
    let report =
        passerelle::jobs::import::import(&state, "employeur", offers, vec![], false, true, || {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(report.rejected.is_empty(), "{:?}", &report.rejected[..1]);
    println!(
        "- {} offers imported and published in {:.1} s",
        report.imported,
        started.elapsed().as_secs_f64()
    );
    if backend == Backend::Postgres {
        // what autovacuum would do after such a bulk load
        state
            .db
            .write(|c| {
                use diesel::connection::SimpleConnection;
                c.batch_execute("ANALYZE job_offers; ANALYZE job_offer_skills;")?;
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut found = 0usize;
    let mut times = Vec::with_capacity(args.queries);
    for i in 0..(200 + args.queries) {
        let q = query(&mut rng);
        let t = Instant::now();
        let (s, v) = reader.get(&format!("/api/v1/jobs?{q}")).await?;
        let elapsed = t.elapsed();
        anyhow::ensure!(s == 200, "{q}: {v}");
        if i >= 200 {
            times.push(elapsed);
            found += v["offers"].as_array().map(Vec::len).unwrap_or(0);
        }
    }
    times.sort();
    println!(
        "- {} queries: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {:.1} offers per page on average",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
        found as f64 / times.len() as f64
    );
    Ok(())
}
