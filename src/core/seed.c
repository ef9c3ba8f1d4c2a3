/* leadq — the reproducible demo and scale data generator.
 *
 * One xoshiro256** stream seeded from opts->seed decides everything; the
 * only other input is opts->now and the calendars the sink hands back, so
 * the same inputs give byte-identical entities.  The generator streams: one
 * lead and one activity are reused with fixed buffers, and only the per-rep
 * tables (for owner choice) are allocated. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/org.h"
#include "leadq/seed.h"
#include "leadq/sla.h"
#include "leadq/text.h"
#include "leadq/time.h"
#include "leadq/uuid.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- the PRNG ------------------------------------------------------------ */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n) by multiply-shift (bias below 2^-32: fine for data). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	uint64_t m = (rng_next(r) >> 32) * (uint64_t)n;

	return (uint32_t)(m >> 32);
}

/* Uniform in [lo, hi]; hi < lo gives lo. */
static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static bool rng_permille(struct rng *r, int permille)
{
	return (int)rng_below(r, 1000) < permille;
}

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)NELEM(arr))])

/* Index into weights (summing to anything > 0). */
static int rng_weighted(struct rng *r, const int *w, int n)
{
	int sum = 0, x;

	for (int i = 0; i < n; i++)
		sum += w[i];
	x = (int)rng_below(r, (uint32_t)sum);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- the world: languages, names, places --------------------------------- */

enum lang { LANG_ES, LANG_PT, LANG_DE, LANG_EN, LANG_COUNT };

static const char *const es_first[] = {
	"José", "María José", "María", "Lucía", "Javier", "Carmen", "Álvaro", "Inés",
	"Sergio", "Begoña", "Íñigo", "Ainhoa", "Raúl", "Nuria", "Andrés", "Pilar",
	"Jesús", "Rocío", "Óscar", "Ramón", "Sofía", "Adrián", "Elena", "Iván",
	"Beatriz", "Tomás", "Ángela", "Joaquín", "Montserrat", "Julián", "Cristina",
	"Alejandro", "Guadalupe", "Juan Pablo", "Ximena", "Camilo", "Valentina",
	"Santiago", "Luz Marina", "Héctor", "Yolanda", "Maite", "Fermín", "Araceli",
};
static const char *const es_last[] = {
	"Núñez", "Peña", "García", "Fernández", "González", "Rodríguez", "López",
	"Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz",
	"Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
	"Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil",
	"Ramírez", "Serrano", "Blanco", "Molina", "Morales", "Suárez", "Ortega",
	"Delgado", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Iglesias", "Medina",
	"Garrido", "Cortés", "Castillo", "Lozano", "Guerrero", "Prieto", "Méndez",
	"Calvo", "Gallego", "Vidal", "León", "Márquez", "Herrera", "Cabrera",
	"Fuentes", "Carrasco", "Caballero", "Reyes", "Nieto", "Aguilar", "Pascual",
	"Hidalgo", "Ibáñez", "Ferrer", "Durán", "Benítez", "Vargas", "Arias",
	"Crespo", "Román", "Sáez", "Velasco", "Echeverría", "Zubizarreta",
	"Goikoetxea", "Ocampo", "Villalobos", "Zúñiga", "Quiñones", "Bermúdez",
};
static const char *const pt_first[] = {
	"João", "José", "Maria", "Ana", "Luís", "Gonçalo", "Inês", "Conceição",
	"Tiago", "Beatriz", "Rafael", "Mariana", "Letícia", "Thiago", "Gabriel",
	"Camila", "Luana", "Vinícius", "Antônio", "Fernanda", "Rodrigo", "Júlia",
	"Matheus", "Larissa", "Sebastião", "Márcia", "Caio", "Aline",
};
static const char *const pt_last[] = {
	"Gonçalves", "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa",
	"Rodrigues", "Martins", "Sousa", "Fernandes", "Gomes", "Lopes", "Marques",
	"Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho", "Teixeira", "Moreira",
	"Correia", "Mendes", "Nunes", "Soares", "Vieira", "Monteiro", "Cardoso",
	"Rocha", "Araújo", "Magalhães", "Brandão", "Simões", "Falcão", "Assunção",
};
static const char *const de_first[] = {
	"Jürgen", "Jörg", "Björn", "Günther", "Sören", "Jens", "Matthias", "Stefan",
	"Lukas", "Fabian", "Tobias", "Claudia", "Sabine", "Käthe", "Ursula", "Anja",
	"Silke", "Birgit", "Franziska", "Lena", "Hannah", "Nicole", "Reto", "Urs",
	"Beat", "Corinne", "Mélanie", "Noëlle", "Dominik", "Jana",
};
static const char *const de_last[] = {
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
	"Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter",
	"Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun",
	"Krüger", "Hofmann", "Hartmann", "Lange", "Werner", "Köhler", "Gößling",
	"Weiß", "Jäger", "Brunner", "Baumgartner", "Keller", "Huber", "Meier",
	"Steiner", "Frei", "Gerber", "Bühler", "Zürcher", "Nägeli",
};
static const char *const en_first[] = {
	"Zoë", "Chloë", "Emily", "James", "Michael", "Sarah", "Jennifer", "David",
	"Robert", "Olivia", "Ethan", "Madison", "Noah", "Ava", "Daniel", "Grace",
	"Ryan", "Hannah", "Kevin", "Megan", "Brandon", "Renée", "André", "Siobhán",
	"Seán", "Priya", "Marcus", "Tyler",
};
static const char *const en_last[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
	"Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson",
	"Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
	"Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams",
	"Nelson", "O'Connor", "Nguyen", "Kim", "Patel", "Brontë", "Lefèvre",
};

struct name_pool {
	const char *const *first, *const *last;
	int nfirst, nlast;
};
#define POOL(f, l) { f, l, NELEM(f), NELEM(l) }
static const struct name_pool pools[LANG_COUNT] = {
	POOL(es_first, es_last), POOL(pt_first, pt_last),
	POOL(de_first, de_last), POOL(en_first, en_last),
};

static const char *const titles[LANG_COUNT][12] = {
	{ "Director de Operaciones", "Responsable de IT", "Gerente de Compras", "CEO",
	  "Jefe de Ventas", "Director Financiero", "Responsable de Marketing",
	  "Coordinador de Logística", "Gerente General", "Director de Sistemas",
	  "Analista de Negocio", "Responsable de RR. HH." },
	{ "Diretor de Operações", "Gerente de TI", "Coordenador de Compras", "CEO",
	  "Gerente Comercial", "Diretor Financeiro", "Analista de Marketing",
	  "Coordenador de Logística", "Sócio-Diretor", "Gerente de Sistemas",
	  "Analista de Negócios", "Gerente de RH" },
	{ "Leiter Einkauf", "IT-Leiter", "Geschäftsführer", "CEO", "Vertriebsleiterin",
	  "CFO", "Head of Marketing", "Teamleiter Logistik", "Prokurist",
	  "Leiter Informatik", "Business Analyst", "Personalleiterin" },
	{ "VP of Sales", "IT Manager", "Procurement Manager", "CEO",
	  "Head of Operations", "CFO", "Director of Marketing", "Logistics Lead",
	  "Founder & CEO", "Director of IT", "Operations Analyst", "HR Manager" },
};

#define INDUSTRY_COUNT 12
static const char *const industries[INDUSTRY_COUNT] = {
	"manufacturing", "logistics", "retail", "software", "healthcare", "finance",
	"construction", "hospitality", "energy", "education", "agriculture", "telecom",
};
static const int industry_weight[INDUSTRY_COUNT] = { 14, 12, 11, 13, 8, 7, 8, 6, 5, 5, 4, 7 };
static const char *const sector_words[LANG_COUNT][INDUSTRY_COUNT] = {
	{ "Industrias", "Transportes", "Distribuciones", "Soluciones Digitales",
	  "Clínicas", "Finanzas", "Construcciones", "Hoteles", "Energías", "Formación",
	  "Agrícola", "Telecomunicaciones" },
	{ "Indústrias", "Transportes", "Comércio", "Tecnologia", "Clínica",
	  "Investimentos", "Construtora", "Hotéis", "Energia", "Educação",
	  "Agropecuária", "Telecom" },
	{ "Maschinenbau", "Logistik", "Handel", "Software", "Medizintechnik", "Finanz",
	  "Bau", "Hotels", "Energie", "Bildung", "Agrar", "Telekom" },
	{ "Manufacturing", "Logistics", "Retail", "Software", "Health", "Capital",
	  "Builders", "Hospitality", "Energy", "Learning", "Farms", "Networks" },
};
static const char *const brands[LANG_COUNT][10] = {
	{ "Álamo", "Cóndor", "Nébula", "Ébano", "Tajo", "Alborán", "Cierzo", "Peñalara",
	  "Quetzal", "Sierra Norte" },
	{ "Ipê", "Jacarandá", "Tucano", "Açaí", "Atlântico", "Sertão", "Paraná",
	  "Mantiqueira", "Guará", "Tejo" },
	{ "Alpen", "Rhein", "Bergblick", "Edelweiß", "Föhn", "Säntis", "Isar", "Limmat",
	  "Nordstern", "Tannenhof" },
	{ "Bright Harbor", "Summit", "Blue Ridge", "Redwood", "Lakeside", "Northwind",
	  "Ironbridge", "Granite Peak", "Silver Lake", "Maple Grove" },
};

enum phone_kind { PHONE_MOBILE, PHONE_LANDLINE };

struct country {
	const char *code, *tld, *currency;
	const char *suffix[2];
};
enum {
	C_ES, C_PT, C_MX, C_CO, C_PE, C_EC, C_CL, C_BR, C_US, C_CA, C_CH, C_DE, C_AT,
};
static const struct country countries[] = {
	[C_ES] = { "ES", "es", "EUR", { "S.L.", "S.A." } },
	[C_PT] = { "PT", "pt", "EUR", { "Lda.", "S.A." } },
	[C_MX] = { "MX", "com.mx", "MXN", { "S.A. de C.V.", "S. de R.L. de C.V." } },
	[C_CO] = { "CO", "com.co", "COP", { "S.A.S.", "S.A." } },
	[C_PE] = { "PE", "com.pe", "PEN", { "S.A.C.", "S.A." } },
	[C_EC] = { "EC", "com.ec", "USD", { "S.A.", "Cía. Ltda." } },
	[C_CL] = { "CL", "cl", "CLP", { "SpA", "S.A." } },
	[C_BR] = { "BR", "com.br", "BRL", { "Ltda.", "S.A." } },
	[C_US] = { "US", "com", "USD", { "Inc.", "LLC" } },
	[C_CA] = { "CA", "ca", "CAD", { "Inc.", "Ltd." } },
	[C_CH] = { "CH", "ch", "CHF", { "AG", "GmbH" } },
	[C_DE] = { "DE", "de", "EUR", { "GmbH", "AG" } },
	[C_AT] = { "AT", "at", "EUR", { "GmbH", "AG" } },
};

/* Phone and postal patterns: x a digit, N a digit 2-9, A a capital letter. */
struct city {
	int country;
	enum lang lang;
	const char *city, *region, *tz, *mobile, *landline, *postal;
};

/* Rough standard-time offsets (hours) of the countries, only to keep people's
 * browsing in their waking hours; business times use the real calendars. */
static const int country_offset_h[] = {
	[C_ES] = 1, [C_PT] = 0, [C_MX] = -6, [C_CO] = -5, [C_PE] = -5, [C_EC] = -5,
	[C_CL] = -4, [C_BR] = -3, [C_US] = -5, [C_CA] = -5, [C_CH] = 1, [C_DE] = 1,
	[C_AT] = 1,
};

static const struct city centro[] = {
	{ C_ES, LANG_ES, "Madrid", "Comunidad de Madrid", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 91N xxx xxx", "280xx" },
	{ C_ES, LANG_ES, "Madrid", "Comunidad de Madrid", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 91N xxx xxx", "28Nxx" },
	{ C_ES, LANG_ES, "Sevilla", "Andalucía", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 954 xxx xxx", "410xx" },
	{ C_ES, LANG_ES, "Valencia", "Comunitat Valenciana", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 96N xxx xxx", "460xx" },
	{ C_ES, LANG_ES, "Málaga", "Andalucía", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 952 xxx xxx", "290xx" },
	{ C_ES, LANG_ES, "Toledo", "Castilla-La Mancha", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 925 xxx xxx", "450xx" },
	{ C_ES, LANG_ES, "Palma", "Illes Balears", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 971 xxx xxx", "070xx" },
	{ C_PT, LANG_PT, "Lisboa", "Lisboa", "Europe/Lisbon",
	  "+351 9x xxx xxxx", "+351 21x xxx xxx", "1xxx-xxx" },
};
static const struct city norte[] = {
	{ C_ES, LANG_ES, "Bilbao", "País Vasco", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 944 xxx xxx", "480xx" },
	{ C_ES, LANG_ES, "Barcelona", "Cataluña", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 93N xxx xxx", "080xx" },
	{ C_ES, LANG_ES, "Barcelona", "Cataluña", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 93N xxx xxx", "08Nxx" },
	{ C_ES, LANG_ES, "Zaragoza", "Aragón", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 976 xxx xxx", "500xx" },
	{ C_ES, LANG_ES, "Oviedo", "Asturias", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 985 xxx xxx", "330xx" },
	{ C_ES, LANG_ES, "A Coruña", "Galicia", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 981 xxx xxx", "150xx" },
	{ C_ES, LANG_ES, "Donostia-San Sebastián", "País Vasco", "Europe/Madrid",
	  "+34 6xx xxx xxx", "+34 943 xxx xxx", "200xx" },
	{ C_PT, LANG_PT, "Porto", "Porto", "Europe/Lisbon",
	  "+351 9x xxx xxxx", "+351 22x xxx xxx", "4xxx-xxx" },
};
static const struct city mexico[] = {
	{ C_MX, LANG_ES, "Ciudad de México", "Ciudad de México", "America/Mexico_City",
	  "+52 55 xxxx xxxx", "+52 55 Nxxx xxxx", "0Nxxx" },
	{ C_MX, LANG_ES, "Ciudad de México", "Ciudad de México", "America/Mexico_City",
	  "+52 55 xxxx xxxx", "+52 55 Nxxx xxxx", "11xxx" },
	{ C_MX, LANG_ES, "Guadalajara", "Jalisco", "America/Mexico_City",
	  "+52 33 xxxx xxxx", "+52 33 Nxxx xxxx", "44xxx" },
	{ C_MX, LANG_ES, "Monterrey", "Nuevo León", "America/Monterrey",
	  "+52 81 xxxx xxxx", "+52 81 Nxxx xxxx", "64xxx" },
	{ C_MX, LANG_ES, "Puebla", "Puebla", "America/Mexico_City",
	  "+52 222 xxx xxxx", "+52 222 Nxx xxxx", "72xxx" },
	{ C_MX, LANG_ES, "Querétaro", "Querétaro", "America/Mexico_City",
	  "+52 442 xxx xxxx", "+52 442 Nxx xxxx", "76xxx" },
	{ C_MX, LANG_ES, "Mérida", "Yucatán", "America/Merida",
	  "+52 999 xxx xxxx", "+52 999 Nxx xxxx", "97xxx" },
};
static const struct city andes[] = {
	{ C_CO, LANG_ES, "Bogotá", "Bogotá D.C.", "America/Bogota",
	  "+57 3xx xxx xxxx", "+57 601 Nxx xxxx", "110xxx" },
	{ C_CO, LANG_ES, "Bogotá", "Bogotá D.C.", "America/Bogota",
	  "+57 3xx xxx xxxx", "+57 601 Nxx xxxx", "111xxx" },
	{ C_CO, LANG_ES, "Medellín", "Antioquia", "America/Bogota",
	  "+57 3xx xxx xxxx", "+57 604 Nxx xxxx", "050xxx" },
	{ C_CO, LANG_ES, "Cali", "Valle del Cauca", "America/Bogota",
	  "+57 3xx xxx xxxx", "+57 602 Nxx xxxx", "760xxx" },
	{ C_PE, LANG_ES, "Lima", "Lima", "America/Lima",
	  "+51 9xx xxx xxx", "+51 1 Nxx xxxx", "150xx" },
	{ C_EC, LANG_ES, "Quito", "Pichincha", "America/Guayaquil",
	  "+593 9x xxx xxxx", "+593 2 Nxx xxxx", "170xxx" },
	{ C_CL, LANG_ES, "Santiago", "Región Metropolitana", "America/Santiago",
	  "+56 9 xxxx xxxx", "+56 2 2xxx xxxx", "75xxxxx" },
	{ C_BR, LANG_PT, "São Paulo", "São Paulo", "America/Sao_Paulo",
	  "+55 11 9xxxx-xxxx", "+55 11 Nxxx-xxxx", "0xxxx-xxx" },
};
static const struct city namerica[] = {
	{ C_US, LANG_EN, "New York", "New York", "America/New_York",
	  "+1 (917) Nxx-xxxx", "+1 (212) Nxx-xxxx", "100xx" },
	{ C_US, LANG_EN, "New York", "New York", "America/New_York",
	  "+1 (646) Nxx-xxxx", "+1 (212) Nxx-xxxx", "100xx" },
	{ C_US, LANG_EN, "Boston", "Massachusetts", "America/New_York",
	  "+1 (857) Nxx-xxxx", "+1 (617) Nxx-xxxx", "021xx" },
	{ C_US, LANG_EN, "Miami", "Florida", "America/New_York",
	  "+1 (786) Nxx-xxxx", "+1 (305) Nxx-xxxx", "331xx" },
	{ C_US, LANG_EN, "Chicago", "Illinois", "America/Chicago",
	  "+1 (872) Nxx-xxxx", "+1 (312) Nxx-xxxx", "606xx" },
	{ C_US, LANG_EN, "Austin", "Texas", "America/Chicago",
	  "+1 (737) Nxx-xxxx", "+1 (512) Nxx-xxxx", "787xx" },
	{ C_US, LANG_EN, "San Francisco", "California", "America/Los_Angeles",
	  "+1 (628) Nxx-xxxx", "+1 (415) Nxx-xxxx", "941xx" },
	{ C_CA, LANG_EN, "Toronto", "Ontario", "America/Toronto",
	  "+1 (647) Nxx-xxxx", "+1 (416) Nxx-xxxx", "MxA xAx" },
};
static const struct city dach[] = {
	{ C_CH, LANG_DE, "Zürich", "Zürich", "Europe/Zurich",
	  "+41 79 xxx xx xx", "+41 44 Nxx xx xx", "80xx" },
	{ C_CH, LANG_DE, "Zürich", "Zürich", "Europe/Zurich",
	  "+41 78 xxx xx xx", "+41 44 Nxx xx xx", "80xx" },
	{ C_CH, LANG_DE, "Basel", "Basel-Stadt", "Europe/Zurich",
	  "+41 79 xxx xx xx", "+41 61 Nxx xx xx", "40xx" },
	{ C_CH, LANG_DE, "Bern", "Bern", "Europe/Zurich",
	  "+41 76 xxx xx xx", "+41 31 Nxx xx xx", "30xx" },
	{ C_DE, LANG_DE, "München", "Bayern", "Europe/Berlin",
	  "+49 151 xxxxxxxx", "+49 89 Nxxx xxxx", "80xxx" },
	{ C_DE, LANG_DE, "Berlin", "Berlin", "Europe/Berlin",
	  "+49 160 xxxxxxxx", "+49 30 Nxxx xxxx", "10xxx" },
	{ C_DE, LANG_DE, "Hamburg", "Hamburg", "Europe/Berlin",
	  "+49 170 xxxxxxxx", "+49 40 Nxxx xxxx", "20xxx" },
	{ C_AT, LANG_DE, "Wien", "Wien", "Europe/Vienna",
	  "+43 664 xxx xxxx", "+43 1 Nxx xx xx", "1xx0" },
};
static const struct city brasil[] = {
	{ C_BR, LANG_PT, "São Paulo", "São Paulo", "America/Sao_Paulo",
	  "+55 11 9xxxx-xxxx", "+55 11 Nxxx-xxxx", "0xxxx-xxx" },
	{ C_BR, LANG_PT, "São Paulo", "São Paulo", "America/Sao_Paulo",
	  "+55 11 9xxxx-xxxx", "+55 11 Nxxx-xxxx", "04xxx-xxx" },
	{ C_BR, LANG_PT, "Rio de Janeiro", "Rio de Janeiro", "America/Sao_Paulo",
	  "+55 21 9xxxx-xxxx", "+55 21 Nxxx-xxxx", "2xxxx-xxx" },
	{ C_BR, LANG_PT, "Belo Horizonte", "Minas Gerais", "America/Sao_Paulo",
	  "+55 31 9xxxx-xxxx", "+55 31 Nxxx-xxxx", "3xxxx-xxx" },
	{ C_BR, LANG_PT, "Curitiba", "Paraná", "America/Sao_Paulo",
	  "+55 41 9xxxx-xxxx", "+55 41 Nxxx-xxxx", "8xxxx-xxx" },
	{ C_BR, LANG_PT, "Porto Alegre", "Rio Grande do Sul", "America/Sao_Paulo",
	  "+55 51 9xxxx-xxxx", "+55 51 Nxxx-xxxx", "9xxxx-xxx" },
	{ C_BR, LANG_PT, "Recife", "Pernambuco", "America/Recife",
	  "+55 81 9xxxx-xxxx", "+55 81 Nxxx-xxxx", "5xxxx-xxx" },
};

/* Holidays as month/day; day 0 of November is the US Thanksgiving. */
struct holiday {
	int month, day;
};
static const struct holiday hol_es[] = {
	{ 1, 1 }, { 1, 6 }, { 5, 1 }, { 8, 15 }, { 10, 12 }, { 11, 1 }, { 12, 6 },
	{ 12, 8 }, { 12, 25 },
};
static const struct holiday hol_mx[] = { { 1, 1 }, { 5, 1 }, { 9, 16 }, { 12, 25 } };
static const struct holiday hol_co[] = {
	{ 1, 1 }, { 5, 1 }, { 7, 20 }, { 8, 7 }, { 12, 8 }, { 12, 25 },
};
static const struct holiday hol_us[] = { { 1, 1 }, { 7, 4 }, { 11, 0 }, { 12, 25 } };
static const struct holiday hol_ch[] = {
	{ 1, 1 }, { 1, 2 }, { 5, 1 }, { 8, 1 }, { 12, 25 }, { 12, 26 },
};
static const struct holiday hol_br[] = {
	{ 1, 1 }, { 4, 21 }, { 5, 1 }, { 9, 7 }, { 10, 12 }, { 11, 2 }, { 11, 15 },
	{ 12, 25 },
};

#define HOURS_SPLIT "mon-fri 09:00-14:00,15:00-18:00"
#define HOURS_FULL "mon-fri 09:00-18:00"

struct team_tmpl {
	const char *name, *tz, *hours;
	enum lang lang;
	const struct holiday *hol;
	int nhol;
	const struct city *cities;
	int ncities;
};
#define TMPL(name, tz, hours, lang, hol, cities) \
	{ name, tz, hours, lang, hol, NELEM(hol), cities, NELEM(cities) }
static const struct team_tmpl tmpls[] = {
	TMPL("Iberia Centro", "Europe/Madrid", HOURS_SPLIT, LANG_ES, hol_es, centro),
	TMPL("Iberia Norte", "Europe/Madrid", HOURS_SPLIT, LANG_ES, hol_es, norte),
	TMPL("México", "America/Mexico_City", HOURS_FULL, LANG_ES, hol_mx, mexico),
	TMPL("Andes", "America/Bogota", HOURS_FULL, LANG_ES, hol_co, andes),
	TMPL("North America", "America/New_York", HOURS_FULL, LANG_EN, hol_us, namerica),
	TMPL("DACH", "Europe/Zurich", HOURS_FULL, LANG_DE, hol_ch, dach),
	TMPL("Brasil", "America/Sao_Paulo", HOURS_FULL, LANG_PT, hol_br, brasil),
};

/* ---- marketing content ---------------------------------------------------- */

#define SITE "https://www.example-saas.com"

struct page {
	const char *path, *title;
};
static const struct page pages[LANG_COUNT][9] = {
	{ { "/precios", "Precios y planes" },
	  { "/producto", "Producto: el CRM de ventas en la nube" },
	  { "/casos-de-exito/logistica-iberica", "Caso de éxito: Logística Ibérica" },
	  { "/casos-de-exito/clinicas-sonrisa", "Caso de éxito: Clínicas Sonrisa" },
	  { "/blog/como-priorizar-leads", "Cómo priorizar leads sin perder ninguno" },
	  { "/blog/sla-de-ventas", "SLA de ventas: guía práctica" },
	  { "/integraciones", "Integraciones con tu ERP" },
	  { "/seguridad", "Seguridad y RGPD" },
	  { "/demo", "Solicita una demo" } },
	{ { "/pt/precos", "Preços e planos" },
	  { "/pt/produto", "Produto: o CRM de vendas na nuvem" },
	  { "/pt/casos-de-sucesso/transportes-tucano", "Caso de sucesso: Transportes Tucano" },
	  { "/pt/casos-de-sucesso/clinica-acai", "Caso de sucesso: Clínica Açaí" },
	  { "/pt/blog/tempo-de-resposta", "Tempo de resposta a leads: por que importa" },
	  { "/pt/blog/sla-de-vendas", "SLA de vendas na prática" },
	  { "/pt/integracoes", "Integrações" },
	  { "/pt/seguranca", "Segurança e LGPD" },
	  { "/pt/demo", "Agende uma demonstração" } },
	{ { "/de/preise", "Preise und Pakete" },
	  { "/de/produkt", "Produkt: das Vertriebs-CRM in der Cloud" },
	  { "/de/kundenstimmen/alpen-logistik", "Kundenstimme: Alpen Logistik" },
	  { "/de/kundenstimmen/saentis-bau", "Kundenstimme: Säntis Bau" },
	  { "/de/blog/lead-priorisierung", "Leads richtig priorisieren" },
	  { "/de/blog/vertriebs-sla", "Vertriebs-SLAs in der Praxis" },
	  { "/de/integrationen", "Integrationen" },
	  { "/de/sicherheit", "Sicherheit und DSGVO" },
	  { "/de/demo", "Demo anfordern" } },
	{ { "/pricing", "Pricing and plans" },
	  { "/product", "Product: the cloud sales CRM" },
	  { "/customers/northwind-logistics", "Customer story: Northwind Logistics" },
	  { "/customers/lakeside-health", "Customer story: Lakeside Health" },
	  { "/blog/lead-response-time", "Why lead response time matters" },
	  { "/blog/sales-sla", "Sales SLAs in practice" },
	  { "/integrations", "Integrations" },
	  { "/security", "Security and compliance" },
	  { "/demo", "Book a demo" } },
};
static const char *const subjects[LANG_COUNT][5] = {
	{ "¿Cuántos leads se te escapan cada mes?", "Invitación: webinar «Ventas en la nube»",
	  "Caso de éxito: +32 % de conversión", "Tu prueba gratuita termina pronto",
	  "Nuevas integraciones con tu ERP" },
	{ "Quantos leads você perde por mês?", "Convite: webinar «Vendas na nuvem»",
	  "Caso de sucesso: +32% de conversão", "Seu teste gratuito termina em breve",
	  "Novas integrações com seu ERP" },
	{ "Wie viele Leads gehen Ihnen jeden Monat verloren?",
	  "Einladung: Webinar „Vertrieb in der Cloud“", "Kundenstimme: +32 % Konversion",
	  "Ihre Testphase endet bald", "Neue ERP-Integrationen" },
	{ "How many leads slip through each month?", "You're invited: Cloud Sales webinar",
	  "Customer story: +32% conversion", "Your free trial ends soon",
	  "New ERP integrations" },
};
static const char *const forms[LANG_COUNT][3] = {
	{ "Solicitar demo", "Contacto", "Descargar ebook" },
	{ "Pedir demonstração", "Contato", "Baixar e-book" },
	{ "Demo anfordern", "Kontakt", "E-Book herunterladen" },
	{ "Request a demo", "Contact us", "Download the eBook" },
};
static const char *const form_keys[LANG_COUNT][3] = {
	{ "empresa", "cargo", "interés" },
	{ "empresa", "cargo", "interesse" },
	{ "firma", "position", "interesse" },
	{ "company", "title", "interest" },
};
static const char *const interests[LANG_COUNT][4] = {
	{ "automatización de ventas", "integración con ERP", "gestión de leads",
	  "informes y previsiones" },
	{ "automação de vendas", "integração com ERP", "gestão de leads",
	  "relatórios e previsões" },
	{ "Vertriebsautomatisierung", "ERP-Anbindung", "Lead-Management",
	  "Berichte und Prognosen" },
	{ "sales automation", "ERP integration", "lead management",
	  "reporting and forecasts" },
};
static const char *const downloads[LANG_COUNT][3] = {
	{ "Guía de automatización comercial (PDF)",
	  "Informe: el coste de un lead sin atender (PDF)",
	  "Plantilla de cadencias de contacto (XLSX)" },
	{ "Guia de automação comercial (PDF)",
	  "Relatório: o custo de um lead sem resposta (PDF)",
	  "Modelo de cadência de contato (XLSX)" },
	{ "Leitfaden Vertriebsautomatisierung (PDF)",
	  "Studie: Was ein unbeantworteter Lead kostet (PDF)",
	  "Vorlage Kontaktkadenz (XLSX)" },
	{ "Sales Automation Guide (PDF)", "Report: the cost of an unanswered lead (PDF)",
	  "Contact cadence template (XLSX)" },
};
static const char *const webinars[LANG_COUNT][3] = {
	{ "Ventas en la nube: del lead al cierre", "Cómo cumplir tu SLA de primer contacto",
	  "Scoring de leads en la práctica" },
	{ "Vendas na nuvem: do lead ao fechamento", "Como cumprir o SLA de primeiro contato",
	  "Lead scoring na prática" },
	{ "Vertrieb in der Cloud: vom Lead zum Abschluss", "Erstkontakt-SLAs einhalten",
	  "Lead-Scoring in der Praxis" },
	{ "Cloud sales: from lead to close", "Hitting your first-contact SLA",
	  "Lead scoring in practice" },
};
static const char *const attended[LANG_COUNT] = {
	"asistió %d min", "assistiu %d min", "%d Min. teilgenommen", "attended %d min",
};
static const char *const call_notes[LANG_COUNT][4] = {
	{ "Interesado; pide propuesta para 20 usuarios", "Tiene proyecto el próximo trimestre",
	  "Quiere ver la integración con SAP", "Habló con recepción; volver a llamar" },
	{ "Interessado; pede proposta para 20 usuários", "Tem projeto no próximo trimestre",
	  "Quer ver a integração com o SAP", "Falou com a recepção; ligar de novo" },
	{ "Interessiert; möchte ein Angebot für 20 Nutzer", "Projekt im nächsten Quartal",
	  "Möchte die SAP-Anbindung sehen", "Nur Zentrale erreicht; später nochmals" },
	{ "Interested; wants a quote for 20 seats", "Project planned for next quarter",
	  "Wants to see the SAP integration", "Reached the front desk; call back" },
};
static const char *const touch_mails[LANG_COUNT][3] = {
	{ "Seguimiento de tu solicitud", "Propuesta y próximos pasos",
	  "¿Hablamos 15 minutos esta semana?" },
	{ "Sobre a sua solicitação", "Proposta e próximos passos",
	  "Podemos falar 15 minutos esta semana?" },
	{ "Ihre Anfrage", "Angebot und nächste Schritte",
	  "Hätten Sie diese Woche 15 Minuten?" },
	{ "Following up on your request", "Proposal and next steps",
	  "15 minutes this week?" },
};

enum source {
	SRC_WEB_FORM, SRC_WEBINAR, SRC_CONTENT, SRC_PAID, SRC_LINKEDIN, SRC_REFERRAL,
	SRC_EVENT, SRC_COLD, SRC_COUNT
};
static const char *const source_wire[SRC_COUNT] = {
	"web_form", "webinar", "content_download", "paid_search", "linkedin", "referral",
	"event", "cold_list",
};
static const int source_weight[SRC_COUNT] = { 22, 14, 18, 14, 10, 8, 7, 7 };
/* Campaign names: "%d-Q%d NAME" (quarterly), or "NAME %d" / "%d NAME" (yearly). */
static const char *const campaigns[SRC_COUNT][LANG_COUNT] = {
	{ "Solicitud de demo", "Pedido de demonstração", "Demo-Anfrage", "Demo Request" },
	{ "Webinar Nube", "Webinar Nuvem", "Webinar Cloud", "Cloud Webinar" },
	{ "Ebook Automatización", "E-book Automação", "E-Book Vertriebsautomatisierung",
	  "Sales Automation eBook" },
	{ "Google Ads Marca", "Google Ads Marca", "Google Ads Marke", "Google Ads Brand" },
	{ "LinkedIn Lead Gen", "LinkedIn Lead Gen", "LinkedIn Lead Gen", "LinkedIn Lead Gen" },
	{ "Programa de socios", "Programa de parceiros", "Partnerprogramm", "Partner program" },
	{ "Congreso Ventas B2B", "Congresso Vendas B2B", "Vertriebsforum", "SaaS Connect" },
	{ "Lista fría Pymes", "Lista fria PMEs", "Kaltakquise KMU", "Outbound SMB list" },
};

/* ---- the generator state --------------------------------------------------- */

struct rep {
	char id[LQ_UUID_SIZE];
	char name[64];
	int team;
};

struct team_rec {
	char id[LQ_UUID_SIZE];
	char name[64];
	int tmpl;
	const struct lq_calendar *cal;     /* NULL: no deadlines, wall-time placement */
	const struct lq_sla_policy *policy;
	struct lq_sla_policy own_policy;
	lq_time day_secs;                  /* longest business day */
};

#define MAX_TOUCHES 8
#define MAX_CHANGES 4

struct touch {
	lq_time at;
	enum lq_touch kind;
	enum lq_outcome outcome;
	int duration_s;
};
struct change {
	lq_time at;
	enum lq_status from, to;
	const char *reason;
	char detail[48];
};

struct gen {
	struct rng rng;
	uint64_t id_ms;          /* the clock of activity ids: see gen_uuid */
	const struct lq_seed_opts *o;
	const struct lq_seed_sink *sink;
	struct lq_reasons reasons;
	struct team_rec *teams;
	int nteams;
	struct rep *reps;
	int nreps;
	int64_t *cum_capacity;   /* prefix sums for owner choice */
	char (*logins)[48];      /* every user's login, to keep them unique */
	int nlogins;
	int *login_set;          /* hash set: index + 1 into logins, 0 empty */
	size_t login_slots;      /* a power of two, over twice the users */

	/* The lead being built and its buffers. */
	struct lq_lead lead;
	enum lang lang;          /* the lead's site language (its country's) */
	const struct city *city;
	char b_ext[24], b_name[96], b_title[64], b_company[112], b_email[128], b_phone[32],
	     b_postal[16], b_campaign[80], b_owner[LQ_UUID_SIZE], b_team[LQ_UUID_SIZE];
	char first_folded[24], last_folded[24], domain[64];
	struct touch touches[MAX_TOUCHES];
	int ntouches;
	struct change changes[MAX_CHANGES];
	int nchanges;

	struct lq_activity act;
	char b_subject[256], b_detail[384];
};

/* Ids are made as the programs make them (leadq/os.h): random version 4
 * for teams, users and leads, which people name by a prefix; version 7 for
 * activities, stamped by a clock that starts at opts->now and ticks a
 * millisecond per id, so the generated history reads as one import in
 * emission order (the order of the server's feed) and stays reproducible. */
static void gen_uuid(struct gen *g, bool ordered, char out[LQ_UUID_SIZE])
{
	uint8_t b[16];
	uint64_t a = rng_next(&g->rng), c = rng_next(&g->rng);

	for (int i = 0; i < 8; i++) {
		b[i] = (uint8_t)(a >> (8 * i));
		b[8 + i] = (uint8_t)(c >> (8 * i));
	}
	if (ordered)
		lq_uuid_v7_format(g->id_ms++, b, out);
	else
		lq_uuid_format(b, out);
}

/* ---- small text helpers ---------------------------------------------------- */

/* Folds UTF-8 to lower-case ASCII letters and digits only (for emails). */
static void fold_alnum(const char *text, char *out, size_t size)
{
	char tmp[128];
	size_t n = lq_fold(text, tmp, sizeof(tmp)), j = 0;

	for (size_t i = 0; i < n && j + 1 < size; i++) {
		char c = tmp[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[j++] = c;
	}
	out[j] = '\0';
}

static void fill_pattern(struct rng *r, const char *pat, char *out, size_t size)
{
	size_t j = 0;

	for (; *pat && j + 1 < size; pat++) {
		if (*pat == 'x')
			out[j++] = (char)('0' + rng_below(r, 10));
		else if (*pat == 'N')
			out[j++] = (char)('2' + rng_below(r, 8));
		else if (*pat == 'A')
			out[j++] = "ABCEGHJKLMNPRSTVXY"[rng_below(r, 18)];
		else
			out[j++] = *pat;
	}
	out[j] = '\0';
}

/* A person's name in a language; first and last are the parts for emails. */
static void person_name(struct rng *r, enum lang lang, char *out, size_t size,
			const char **first, const char **last)
{
	const struct name_pool *p = &pools[lang];

	*first = p->first[rng_below(r, (uint32_t)p->nfirst)];
	*last = p->last[rng_below(r, (uint32_t)p->nlast)];
	/* Spanish and Portuguese speakers often carry two surnames. */
	if ((lang == LANG_ES || lang == LANG_PT) && rng_permille(r, 400))
		snprintf(out, size, "%s %s %s", *first, *last,
			 p->last[rng_below(r, (uint32_t)p->nlast)]);
	else
		snprintf(out, size, "%s %s", *first, *last);
}

/* ---- business time ---------------------------------------------------------- */

/* The instant t <= now with `elapsed` business seconds between t and now
 * (the calendar has no "subtract", so step back in wall time far enough and
 * walk forwards). */
static lq_time biz_before(const struct team_rec *tr, lq_time now, lq_time elapsed)
{
	lq_time wall, from, have, t;

	if (!tr->cal)
		return now - elapsed;
	wall = elapsed * 4 + 4 * LQ_DAY;
	for (int i = 0; i < 8; i++) {
		from = now - wall;
		have = lq_calendar_between(tr->cal, from, now);
		if (have >= elapsed) {
			t = lq_calendar_add(tr->cal, from, have - elapsed);
			if (t == LQ_TIME_NONE || t > now)
				t = now;
			return t;
		}
		wall *= 2;
	}
	return now - elapsed;
}

static lq_time biz_add(const struct team_rec *tr, lq_time start, lq_time seconds)
{
	lq_time t;

	if (!tr->cal)
		return start + seconds;
	t = lq_calendar_add(tr->cal, start, seconds);
	return t == LQ_TIME_NONE ? start + seconds : t;
}

static lq_time biz_between(const struct team_rec *tr, lq_time a, lq_time b)
{
	return tr->cal ? lq_calendar_between(tr->cal, a, b) : b - a;
}

static lq_time longest_day(const struct lq_calendar *cal)
{
	lq_time best = 0;

	for (int d = 0; d < 7; d++) {
		lq_time sum = 0;

		for (int s = 0; s < cal->nshifts[d]; s++)
			sum += (lq_time)(cal->week[d][s].end_min - cal->week[d][s].start_min) *
			       LQ_MINUTE;
		if (sum > best)
			best = sum;
	}
	return best;
}

/* ---- teams and users --------------------------------------------------------- */

int lq_seed_team_count(int reps)
{
	int n = (reps + 3) / 6;

	return n < 1 ? 1 : n;
}

static int civil_year(lq_time t)
{
	struct lq_civil c;

	lq_time_to_civil(t, 0, &c);
	return c.year;
}

static size_t holidays_spec(const struct team_tmpl *tm, int year, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int y = year - 1; y <= year + 1; y++) {
		for (int i = 0; i < tm->nhol; i++) {
			int month = tm->hol[i].month, day = tm->hol[i].day;
			int n;

			if (day == 0) {
				/* The fourth Thursday of November. */
				int64_t first = lq_days_from_civil(y, 11, 1);
				int wday = lq_weekday_from_days(first);

				day = 1 + (4 - wday + 7) % 7 + 21;
			}
			n = snprintf(out + len, size - len, "%s%04d-%02d-%02d", len ? "," : "",
				     y, month, day);
			if (n < 0 || (size_t)n >= size - len)
				return len;
			len += (size_t)n;
		}
	}
	return len;
}

static int emit_teams(struct gen *g)
{
	char hol[1024];
	int year = civil_year(g->o->now);

	for (int t = 0; t < g->nteams; t++) {
		struct team_rec *tr = &g->teams[t];
		const struct team_tmpl *tm;
		struct lq_team team;
		int rc;

		tr->tmpl = t % NELEM(tmpls);
		tm = &tmpls[tr->tmpl];
		if (t < NELEM(tmpls))
			snprintf(tr->name, sizeof(tr->name), "%s", tm->name);
		else
			snprintf(tr->name, sizeof(tr->name), "%s %d", tm->name,
				 t / NELEM(tmpls) + 1);
		gen_uuid(g, false, tr->id);
		lq_sla_policy_default(&tr->own_policy);
		tr->policy = &tr->own_policy;
		holidays_spec(tm, year, hol, sizeof(hol));

		memset(&team, 0, sizeof(team));
		memcpy(team.id, tr->id, LQ_UUID_SIZE);
		team.name = tr->name;
		team.tz = (char *)tm->tz;
		team.hours = (char *)tm->hours;
		team.holidays = hol;
		team.policy = tr->own_policy;
		if (g->sink->team) {
			rc = g->sink->team(g->sink->ctx, &team);
			if (rc)
				return rc;
		}
		if (g->sink->calendar_for) {
			const struct lq_sla_policy *pol = NULL;

			tr->cal = g->sink->calendar_for(g->sink->ctx, &team, &pol);
			if (pol)
				tr->policy = pol;
		}
		if (tr->cal) {
			tr->day_secs = longest_day(tr->cal);
			if (tr->day_secs <= 0)
				tr->cal = NULL;  /* never open: place in wall time */
		}
		if (!tr->cal)
			tr->day_secs = 9 * LQ_HOUR;
	}
	return 0;
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Slot of login in the open-addressing set: where it is, or the empty slot
 * where it would go. */
static size_t login_slot(const struct gen *g, const char *login)
{
	size_t mask = g->login_slots - 1, i = str_hash(login) & mask;

	while (g->login_set[i] && strcmp(g->logins[g->login_set[i] - 1], login) != 0)
		i = (i + 1) & mask;
	return i;
}

/* login from "First Last", made unique among the users so far. */
static void make_login(struct gen *g, const char *first, const char *last, char *out,
		       size_t size)
{
	char f[16], l[16];

	fold_alnum(first, f, sizeof(f));
	fold_alnum(last, l, sizeof(l));
	snprintf(out, size, "%s.%s", f, l);
	for (int n = 2; g->login_set[login_slot(g, out)]; n++)
		snprintf(out, size, "%s.%s%d", f, l, n);
}

static int emit_user(struct gen *g, const char *login, const char *name, enum lq_role role,
		     int team, int capacity, char id_out[LQ_UUID_SIZE])
{
	struct lq_user u;
	char email[96], tz[48];

	memset(&u, 0, sizeof(u));
	gen_uuid(g, false, u.id);
	if (id_out)
		memcpy(id_out, u.id, LQ_UUID_SIZE);
	snprintf(g->logins[g->nlogins], sizeof(g->logins[0]), "%s", login);
	u.login = g->logins[g->nlogins++];
	g->login_set[login_slot(g, u.login)] = g->nlogins;
	snprintf(email, sizeof(email), "%s@example-saas.com", login);
	u.name = (char *)name;
	u.email = email;
	snprintf(tz, sizeof(tz), "%s", tmpls[g->teams[team < 0 ? 0 : team].tmpl].tz);
	u.tz = tz;
	u.team_id = team >= 0 ? g->teams[team].id : NULL;
	u.role = role;
	u.capacity = capacity;
	u.active = true;
	return g->sink->user ? g->sink->user(g->sink->ctx, &u) : 0;
}

static int emit_users(struct gen *g)
{
	int64_t sum = 0;
	int rc, next_rep = 1;

	/* The three demo personas first, with fixed names. */
	g->reps[0].team = 0;
	snprintf(g->reps[0].name, sizeof(g->reps[0].name), "Lucía Fernández");
	sum += 60;
	g->cum_capacity[0] = sum;
	rc = emit_user(g, "lucia", g->reps[0].name, LQ_ROLE_REP, 0, 60, g->reps[0].id);
	if (!rc)
		rc = emit_user(g, "marta", "Marta Ibáñez", LQ_ROLE_LEAD, 0, 0, NULL);
	if (!rc)
		rc = emit_user(g, "tq", "Tomás Quintero", LQ_ROLE_TELEQUAL, 0, 0, NULL);
	if (rc)
		return rc;

	/* Then each team's reps (contiguous blocks) and, from team 2 on, its lead. */
	for (int t = 0; t < g->nteams; t++) {
		int end = (int)(((int64_t)g->nreps * (t + 1)) / g->nteams);
		enum lang lang = tmpls[g->teams[t].tmpl].lang;
		char login[48];
		const char *first, *last;

		for (; next_rep < end; next_rep++) {
			struct rep *rp = &g->reps[next_rep];
			int cap = (int)rng_range(&g->rng, 30, 80);

			rp->team = t;
			person_name(&g->rng, rng_permille(&g->rng, 850) ? lang :
				    (enum lang)rng_below(&g->rng, LANG_COUNT),
				    rp->name, sizeof(rp->name), &first, &last);
			make_login(g, first, last, login, sizeof(login));
			sum += cap;
			g->cum_capacity[next_rep] = sum;
			rc = emit_user(g, login, rp->name, LQ_ROLE_REP, t, cap, rp->id);
			if (rc)
				return rc;
		}
		if (t > 0) {
			char name[64];

			person_name(&g->rng, lang, name, sizeof(name), &first, &last);
			make_login(g, first, last, login, sizeof(login));
			rc = emit_user(g, login, name, LQ_ROLE_LEAD, t, 0, NULL);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- one lead ------------------------------------------------------------------ */

static int pick_owner(struct gen *g)
{
	int64_t total = g->cum_capacity[g->nreps - 1];
	int64_t x = (int64_t)(rng_next(&g->rng) % (uint64_t)total);
	int lo = 0, hi = g->nreps - 1;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (g->cum_capacity[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void make_campaign(struct gen *g, enum source src, lq_time at, char *out,
			  size_t size)
{
	struct lq_civil c;
	const char *name = campaigns[src][g->lang];

	lq_time_to_civil(at, 0, &c);
	if (src == SRC_REFERRAL)
		snprintf(out, size, "%s %d", name, c.year);
	else if (src == SRC_EVENT)
		snprintf(out, size, "%d %s", c.year, name);
	else
		snprintf(out, size, "%d-Q%d %s", c.year, (c.month - 1) / 3 + 1, name);
}

static void make_identity(struct gen *g, const struct team_tmpl *tm)
{
	struct rng *r = &g->rng;
	struct lq_lead *l = &g->lead;
	const struct city *cy = &tm->cities[rng_below(r, (uint32_t)tm->ncities)];
	const struct country *co = &countries[cy->country];
	enum lang name_lang = rng_permille(r, 780) ? cy->lang :
			      (enum lang)rng_below(r, LANG_COUNT);
	int ind = rng_weighted(r, industry_weight, INDUSTRY_COUNT);
	const char *first, *last, *sector, *brand, *surname;
	char core[80], local[56];
	int emp_bucket, style;

	g->city = cy;
	g->lang = cy->lang;
	person_name(r, name_lang, g->b_name, sizeof(g->b_name), &first, &last);
	l->name = g->b_name;
	snprintf(g->b_title, sizeof(g->b_title), "%s", PICK(r, titles[cy->lang]));
	l->title = g->b_title;

	/* "Transportes Cóndor S.L.", "Müller Maschinenbau GmbH", "Summit Logistics Inc." */
	style = (int)rng_below(r, 3);
	sector = sector_words[cy->lang][ind];
	brand = PICK(r, brands[cy->lang]);
	surname = pools[cy->lang].last[rng_below(r, (uint32_t)pools[cy->lang].nlast)];
	if (cy->lang == LANG_DE || cy->lang == LANG_EN) {
		if (style == 2)
			snprintf(core, sizeof(core), "%s %s", brand,
				 cy->lang == LANG_DE ? "Gruppe" : "Group");
		else
			snprintf(core, sizeof(core), "%s %s", style ? surname : brand, sector);
	} else if (style == 2) {
		snprintf(core, sizeof(core), "Grupo %s", brand);
	} else {
		snprintf(core, sizeof(core), "%s %s", sector, style ? surname : brand);
	}
	snprintf(g->b_company, sizeof(g->b_company), "%s %s", core,
		 co->suffix[rng_permille(r, 750) ? 0 : 1]);
	l->company = g->b_company;

	/* jose.nunez@transportescondor.es (a few use a free mail address). */
	fold_alnum(first, g->first_folded, sizeof(g->first_folded));
	fold_alnum(last, g->last_folded, sizeof(g->last_folded));
	fold_alnum(core, local, sizeof(local));
	if (rng_permille(r, 80))
		snprintf(g->domain, sizeof(g->domain), "%s",
			 cy->lang == LANG_EN ? "gmail.com" :
			 cy->lang == LANG_DE ? "gmx.net" : "outlook.com");
	else
		snprintf(g->domain, sizeof(g->domain), "%s.%s", local, co->tld);
	switch (rng_below(r, 5)) {
	case 0:
		snprintf(g->b_email, sizeof(g->b_email), "%c%s@%s", g->first_folded[0],
			 g->last_folded, g->domain);
		break;
	case 1:
		snprintf(g->b_email, sizeof(g->b_email), "%s@%s", g->first_folded, g->domain);
		break;
	default:
		snprintf(g->b_email, sizeof(g->b_email), "%s.%s@%s", g->first_folded,
			 g->last_folded, g->domain);
		break;
	}
	l->email = g->b_email;
	fill_pattern(r, rng_permille(r, 600) ? cy->mobile : cy->landline, g->b_phone,
		     sizeof(g->b_phone));
	l->phone = g->b_phone;
	l->country = (char *)co->code;
	l->region = (char *)cy->region;
	l->city = (char *)cy->city;
	fill_pattern(r, cy->postal, g->b_postal, sizeof(g->b_postal));
	l->postal_code = g->b_postal;
	l->industry = (char *)industries[ind];
	l->tz = (char *)cy->tz;

	emp_bucket = rng_weighted(r, (const int[]){ 10, 30, 30, 20, 7, 3 }, 6);
	switch (emp_bucket) {
	case 0: l->employees = (int)rng_range(r, 2, 10); break;
	case 1: l->employees = (int)rng_range(r, 11, 50); break;
	case 2: l->employees = (int)rng_range(r, 51, 200); break;
	case 3: l->employees = (int)rng_range(r, 201, 1000); break;
	case 4: l->employees = (int)rng_range(r, 1001, 5000); break;
	default: l->employees = (int)rng_range(r, 5001, 60000); break;
	}
}

/* Score 0..100, mostly 40..90, split into parts that sum to it. */
static void make_score(struct gen *g)
{
	struct rng *r = &g->rng;
	struct lq_lead *l = &g->lead;
	int score, fit, eng, rec;

	if (rng_permille(r, 850))
		score = 40 + (int)rng_below(r, 26) + (int)rng_below(r, 26);
	else if (rng_permille(r, 700))
		score = (int)rng_range(r, 5, 39);
	else
		score = (int)rng_range(r, 91, 100);
	rec = (int)rng_range(r, score > 60 ? score - 80 : 0, score < 20 ? score : 20);
	if (rec < 0)
		rec = 0;
	fit = (int)rng_range(r, score - rec - 40 > 0 ? score - rec - 40 : 0,
			     score - rec < 40 ? score - rec : 40);
	eng = score - rec - fit;
	l->score = score;
	l->nscore_parts = 3;
	memcpy(l->score_parts[0].name, "fit", 4);
	l->score_parts[0].points = fit;
	memcpy(l->score_parts[1].name, "engagement", 11);
	l->score_parts[1].points = eng;
	memcpy(l->score_parts[2].name, "recency", 8);
	l->score_parts[2].points = rec;
}

static enum lq_outcome call_outcome(struct rng *r, int connected_permille)
{
	if (rng_permille(r, connected_permille))
		return LQ_OUTCOME_CONNECTED;
	switch (rng_below(r, 10)) {
	case 0:
		return LQ_OUTCOME_WRONG_NUMBER;
	case 1: case 2: case 3: case 4:
		return LQ_OUTCOME_VOICEMAIL;
	default:
		return LQ_OUTCOME_NO_ANSWER;
	}
}

static void add_touch(struct gen *g, lq_time at, enum lq_touch kind, enum lq_outcome out)
{
	struct touch *t;

	if (g->ntouches >= MAX_TOUCHES)
		return;
	t = &g->touches[g->ntouches++];
	t->at = at;
	t->kind = kind;
	t->outcome = kind == LQ_TOUCH_EMAIL ? LQ_OUTCOME_SENT : out;
	t->duration_s = 0;
	if (kind == LQ_TOUCH_CALL && out == LQ_OUTCOME_CONNECTED)
		t->duration_s = (int)rng_range(&g->rng, 90, 1500);
	else if (kind == LQ_TOUCH_CALL && out == LQ_OUTCOME_VOICEMAIL)
		t->duration_s = (int)rng_range(&g->rng, 20, 60);
	else if (kind == LQ_TOUCH_MEETING)
		t->duration_s = (int)rng_range(&g->rng, 2, 6) * 15 * 60;
}

static void add_change(struct gen *g, lq_time at, enum lq_status from, enum lq_status to,
		       const char *reason)
{
	struct change *c;

	if (g->nchanges >= MAX_CHANGES)
		return;
	c = &g->changes[g->nchanges++];
	c->at = at;
	c->from = from;
	c->to = to;
	c->reason = reason;
	c->detail[0] = '\0';
}

/* Business offset of the first touch after MQL: mostly inside the SLA. */
static lq_time first_touch_offset(struct gen *g, const struct team_rec *tr)
{
	lq_time fc = (lq_time)tr->policy->first_contact_minutes * LQ_MINUTE;
	int x = (int)rng_below(&g->rng, 100);

	if (x < 70)
		return rng_range(&g->rng, 3 * LQ_MINUTE, fc > 4 * LQ_MINUTE ? fc - LQ_MINUTE : fc);
	if (x < 90)
		return rng_range(&g->rng, fc + LQ_MINUTE, fc + 6 * LQ_HOUR);
	return rng_range(&g->rng, 6 * LQ_HOUR, 2 * tr->day_secs);
}

/* A new lead (first-contact clock) placed so that at now it is on track
 * (target 0), at risk (1) or breached (2). */
static void place_new(struct gen *g, const struct team_rec *tr, int target)
{
	const struct lq_sla_policy *p = tr->policy;
	lq_time w = (lq_time)p->first_contact_minutes * LQ_MINUTE;
	lq_time edge = w * (100 - p->at_risk_percent) / 100;
	lq_time e;
	double u;

	if (target == 0) {
		e = rng_range(&g->rng, LQ_MINUTE, edge - 2 * LQ_MINUTE);
	} else if (target == 1) {
		e = rng_range(&g->rng, edge + LQ_MINUTE, w - LQ_MINUTE);
	} else {
		u = rng_unit(&g->rng);
		e = w + LQ_MINUTE + (lq_time)(u * u * 2.0 * (double)tr->day_secs);
	}
	g->lead.mql_at = biz_before(tr, g->o->now, e);
}

/* A working lead (cadence clock) with k touches, placed for a target state.
 * The cadence clock runs to next_touch_due = last touch + (time left in the
 * window) / (touches missing): at risk when less than at_risk % of that gap
 * is left or the touch is overdue, breached once the window has closed. */
static void place_working(struct gen *g, const struct team_rec *tr, int target, int k)
{
	struct rng *r = &g->rng;
	const struct lq_sla_policy *p = tr->policy;
	lq_time now = g->o->now, span = (lq_time)p->touch_window_days * tr->day_secs;
	lq_time mql, cad, wc, e, rest, delta, last_off, first_off;
	int m = p->touches_required - k;
	double phi, lo;

	if (m < 1)
		m = 1;
	if (target == 2) {
		/* The window closed with touches still missing. */
		e = span + tr->day_secs + LQ_HOUR +
		    (lq_time)(rng_unit(r) * 3.0 * (double)tr->day_secs);
		mql = biz_before(tr, now, e);
		wc = span;
		last_off = rng_range(r, wc / 3, wc - wc / 8);
	} else {
		if (target == 0) {
			phi = 0.05 + 0.55 * rng_unit(r);
		} else {
			lo = 0.95 / m > 0.3 ? 0.95 / m : 0.3;
			phi = lo + (0.97 - lo) * rng_unit(r);
		}
		mql = biz_before(tr, now, (lq_time)(phi * (double)span));
		cad = tr->cal ? lq_calendar_add_days(tr->cal, mql, p->touch_window_days) :
		      mql + span;
		wc = biz_between(tr, mql, cad);
		e = biz_between(tr, mql, now);
		rest = wc - e;
		if (rest < LQ_MINUTE)
			rest = LQ_MINUTE;
		/* delta: business time since the last touch.  On track needs
		 * delta < 0.75 (rest + delta) / m, at risk the opposite. */
		if (target == 0) {
			delta = (lq_time)(0.6 * (double)rest / ((double)m - 0.6));
			if (delta > e)
				delta = e;
			delta = (lq_time)((0.05 + 0.85 * rng_unit(r)) * (double)delta);
		} else {
			delta = (lq_time)((double)rest * 0.85 / ((double)m - 0.85 + 1e-9));
			if (delta < e)
				delta += (lq_time)(0.8 * rng_unit(r) * (double)(e - delta));
			else
				delta = e;
		}
		last_off = e - delta;
	}
	g->lead.mql_at = mql;

	first_off = first_touch_offset(g, tr);
	if (k == 1)
		first_off = last_off;
	else if (first_off > last_off)
		first_off = (lq_time)((0.05 + 0.4 * rng_unit(r)) * (double)last_off);
	for (int i = 0; i < k; i++) {
		lq_time off;
		enum lq_touch kind = rng_permille(r, 700) ? LQ_TOUCH_CALL : LQ_TOUCH_EMAIL;

		if (i == 0)
			off = first_off;
		else if (i == k - 1)
			off = last_off;
		else
			off = first_off + (last_off - first_off) * i / (k - 1);
		add_touch(g, biz_add(tr, mql, off), kind, call_outcome(r, 250));
	}
}

static const char *pick_reason(struct gen *g, enum lq_status s)
{
	int n = 0;
	const struct lq_reason *list = lq_reasons_for(&g->reasons, s, &n);

	if (!list || n <= 0)
		return NULL;
	return list[rng_below(&g->rng, (uint32_t)n)].code;
}

/* Closed and later statuses: an older MQL, touches in business time, then
 * the status changes, all before now. */
static void place_closed(struct gen *g, const struct team_rec *tr, enum lq_status st)
{
	struct rng *r = &g->rng;
	lq_time now = g->o->now, mql, off, t, prev;
	int k = 0;
	const char *reason = NULL;
	bool connected = false, bounced = false, wrong = false;

	if (st == LQ_STATUS_OPPORTUNITY || st == LQ_STATUS_WON || st == LQ_STATUS_LOST)
		mql = now - rng_range(r, 30 * LQ_DAY, 160 * LQ_DAY);
	else
		mql = now - rng_range(r, 14 * LQ_DAY, 120 * LQ_DAY);
	/* Marketing qualifies around the clock; keep most in business hours. */
	if (rng_permille(r, 800))
		mql = biz_add(tr, mql, rng_range(r, 0, tr->day_secs - 1));
	g->lead.mql_at = mql;

	switch (st) {
	case LQ_STATUS_JUNK:
		k = (int)rng_below(r, 2);
		break;
	case LQ_STATUS_UNREACHABLE:
		reason = pick_reason(g, st);
		k = tr->policy->touches_required > 1 ? tr->policy->touches_required : 1;
		bounced = reason && strcmp(reason, "bounced") == 0;
		wrong = reason && strcmp(reason, "wrong_number") == 0;
		break;
	case LQ_STATUS_RECYCLED:
	case LQ_STATUS_QUALIFIED:
		k = (int)rng_range(r, 1, 4);
		connected = true;
		break;
	default:
		k = (int)rng_range(r, 2, 5);
		connected = true;
		break;
	}
	if (k > MAX_TOUCHES)
		k = MAX_TOUCHES;
	off = first_touch_offset(g, tr);
	for (int i = 0; i < k; i++) {
		enum lq_touch kind = rng_permille(r, 700) ? LQ_TOUCH_CALL : LQ_TOUCH_EMAIL;
		enum lq_outcome out;

		if (connected && i == k - 1)
			kind = LQ_TOUCH_CALL;
		if (bounced && i == k - 1)
			kind = LQ_TOUCH_EMAIL;
		out = connected && i == k - 1 ? LQ_OUTCOME_CONNECTED :
		      wrong && i == k - 1 ? LQ_OUTCOME_WRONG_NUMBER :
		      st == LQ_STATUS_UNREACHABLE ?
		      (rng_permille(r, 500) ? LQ_OUTCOME_NO_ANSWER : LQ_OUTCOME_VOICEMAIL) :
		      call_outcome(r, 300);
		add_touch(g, biz_add(tr, mql, off), kind, out);
		off += rng_range(r, 2 * LQ_HOUR, tr->day_secs + tr->day_secs / 2);
	}
	prev = k ? g->touches[k - 1].at : mql;
	t = biz_add(tr, prev, rng_range(r, 5 * LQ_MINUTE, k ? LQ_HOUR : 2 * tr->day_secs));

	switch (st) {
	case LQ_STATUS_RECYCLED:
	case LQ_STATUS_JUNK:
	case LQ_STATUS_UNREACHABLE:
		if (!reason)
			reason = pick_reason(g, st);
		add_change(g, t, k ? LQ_STATUS_WORKING : LQ_STATUS_NEW, st, reason);
		if (reason)
			snprintf(g->lead.reason, sizeof(g->lead.reason), "%s", reason);
		if ((st == LQ_STATUS_JUNK && rng_permille(r, 300)) ||
		    (st == LQ_STATUS_RECYCLED && rng_permille(r, 30)))
			g->lead.do_not_contact = true;
		break;
	case LQ_STATUS_QUALIFIED:
		add_change(g, t, LQ_STATUS_WORKING, st, NULL);
		break;
	default:
		add_change(g, t, LQ_STATUS_WORKING, LQ_STATUS_QUALIFIED, NULL);
		/* Each later step lands somewhere between the last one and now. */
		t += (lq_time)(rng_unit(r) * 0.3 * (double)(now - t));
		add_change(g, t, LQ_STATUS_QUALIFIED, LQ_STATUS_OPPORTUNITY, NULL);
		/* The opportunity's value; a won lead was won at it. */
		g->lead.amount = (int64_t)rng_range(r, 6, 240) * 500;
		snprintf(g->changes[g->nchanges - 1].detail, sizeof(g->changes[0].detail),
			 "amount=%lld %s", (long long)g->lead.amount,
			 countries[g->city->country].currency);
		if (st != LQ_STATUS_OPPORTUNITY) {
			t += (lq_time)((0.2 + 0.7 * rng_unit(r)) * (double)(now - t));
			add_change(g, t, LQ_STATUS_OPPORTUNITY, st, NULL);
			if (st == LQ_STATUS_LOST)
				snprintf(g->changes[g->nchanges - 1].detail,
					 sizeof(g->changes[0].detail), "%s",
					 PICK(r, ((const char *const[]){ "competitor", "no_budget",
									 "timing", "no_decision" })));
		}
		break;
	}
}

/* Keeps the timeline ordered and never after now. */
static void clamp_timeline(struct gen *g)
{
	lq_time now = g->o->now, prev = g->lead.mql_at;

	if (prev > now)
		prev = g->lead.mql_at = now;
	for (int i = 0; i < g->ntouches; i++) {
		lq_time *t = &g->touches[i].at;

		if (*t > now)
			*t = now;
		if (*t < prev)
			*t = prev;
		prev = *t;
	}
	for (int i = 0; i < g->nchanges; i++) {
		lq_time *t = &g->changes[i].at;

		if (*t > now)
			*t = now;
		if (*t < prev)
			*t = prev;
		prev = *t;
	}
}

static lq_time quarter_hour_after(lq_time t)
{
	return t - (t % (15 * LQ_MINUTE)) + 15 * LQ_MINUTE;
}

/* Status mix, per mille: mostly new and working. */
static const enum lq_status status_pick[] = {
	LQ_STATUS_NEW, LQ_STATUS_WORKING, LQ_STATUS_QUALIFIED, LQ_STATUS_RECYCLED,
	LQ_STATUS_JUNK, LQ_STATUS_UNREACHABLE, LQ_STATUS_OPPORTUNITY, LQ_STATUS_WON,
	LQ_STATUS_LOST,
};
static const int status_weight[] = { 330, 340, 80, 60, 30, 50, 50, 35, 25 };

/* The telequalification pool of the first team (issue 5): the last leads of
 * a seed of 100 or more, new and unowned, for the demo agent "tq".  Last,
 * so that the leads before them are the same as without a pool. */
#define POOL_MAX 40
static bool in_pool(const struct gen *g, int index)
{
	int pool = g->o->leads >= 100 ? g->o->leads / 25 : 0;

	if (pool > POOL_MAX)
		pool = POOL_MAX;
	return index >= g->o->leads - pool;
}

static void make_timeline(struct gen *g, int index, const struct team_rec *tr)
{
	struct rng *r = &g->rng;
	struct lq_lead *l = &g->lead;
	lq_time now = g->o->now;
	enum lq_status st;
	int target;

	/* The demo rep's first leads carry appointments: the top of her queue. */
	if (index < 3)
		st = index == 1 ? LQ_STATUS_NEW : LQ_STATUS_WORKING;
	else if (in_pool(g, index))
		st = LQ_STATUS_NEW;
	else
		st = status_pick[rng_weighted(r, status_weight, NELEM(status_weight))];
	l->status = st;
	g->ntouches = 0;
	g->nchanges = 0;

	if (lq_status_is_open(st)) {
		target = (int)rng_below(r, 3);
		if (st == LQ_STATUS_NEW)
			place_new(g, tr, target);
		else
			place_working(g, tr, target,
				      (int)rng_range(r, 1, tr->policy->touches_required > 5 ? 5 :
						     tr->policy->touches_required - 1));
	} else {
		place_closed(g, tr, st);
	}
	clamp_timeline(g);

	l->touches = g->ntouches;
	l->touches_required = tr->policy->touches_required;
	if (g->ntouches) {
		l->first_touch_at = g->touches[0].at;
		l->last_touch_at = g->touches[g->ntouches - 1].at;
	}
	l->updated_at = g->nchanges ? g->changes[g->nchanges - 1].at :
			g->ntouches ? l->last_touch_at : l->mql_at;
	if (tr->cal)
		lq_sla_deadlines(l, tr->policy, tr->cal);

	/* Appointments and callbacks: due now, overdue, later today, later on. */
	if (index == 0)
		l->next_appt_at = quarter_hour_after(now);  /* within 15 minutes */
	else if (index == 1)
		l->next_appt_at = now - 5 * LQ_MINUTE - now % LQ_MINUTE;
	else if (index == 2)
		l->next_appt_at = quarter_hour_after(now) + 3 * LQ_HOUR;
	else if ((st == LQ_STATUS_WORKING || st == LQ_STATUS_QUALIFIED) && rng_permille(r, 40))
		l->next_appt_at = quarter_hour_after(now) +
				  rng_range(r, 0, 4 * 24 * 4) * 15 * LQ_MINUTE;
}

/* ---- activities ------------------------------------------------------------------ */

static int send_act(struct gen *g, enum lq_activity_kind kind, lq_time at, const char *actor,
		    const char *subject, const char *detail, const char *campaign,
		    int duration_s, int outcome)
{
	struct lq_activity *a = &g->act;

	if (!g->sink->activity) {
		/* Keep the PRNG stream and the id clock the same with or
		 * without the callback. */
		rng_next(&g->rng);
		rng_next(&g->rng);
		g->id_ms++;
		return 0;
	}
	gen_uuid(g, true, a->id);
	a->kind = kind;
	a->at = at;
	a->actor = (char *)actor;
	a->subject = (char *)subject;
	a->detail = (char *)detail;
	a->campaign = (char *)campaign;
	a->duration_s = duration_s;
	a->outcome = outcome;
	a->undone = false;
	return g->sink->activity(g->sink->ctx, a);
}

/* Moves t into 07:30-23:00 local time of the same day, keeping the order of
 * times (a linear squeeze of the day). */
static lq_time waking_hours(const struct gen *g, lq_time t)
{
	lq_time off = (lq_time)country_offset_h[g->city->country] * LQ_HOUR;
	lq_time local = t + off, tod = ((local % LQ_DAY) + LQ_DAY) % LQ_DAY;
	lq_time start = 7 * LQ_HOUR + 30 * LQ_MINUTE, len = 23 * LQ_HOUR - start;

	return local - tod + start + tod * len / LQ_DAY - off;
}

enum conv { CONV_FORM, CONV_DOWNLOAD, CONV_WEBINAR, CONV_CLICK };

/* One marketing behaviour event; conv >= 0 makes it the converting one. */
static int behaviour_event(struct gen *g, lq_time at, int conv, const char *campaign)
{
	struct rng *r = &g->rng;
	enum lang lang = g->lang;
	int x = conv >= 0 ? -1 : (int)rng_below(r, 100);
	const struct page *pg;
	const char *subj;
	int mins;

	if (conv == CONV_FORM || (x >= 95)) {
		subj = conv == CONV_FORM ? forms[lang][0] : PICK(r, forms[lang]);
		snprintf(g->b_detail, sizeof(g->b_detail), "%s=%s; %s=%s; %s=%s",
			 form_keys[lang][0], g->b_company, form_keys[lang][1], g->b_title,
			 form_keys[lang][2], PICK(r, interests[lang]));
		return send_act(g, LQ_ACT_FORM_SUBMIT, at, "marketing", subj, g->b_detail,
				campaign, 0, -1);
	}
	if (conv == CONV_DOWNLOAD || (x >= 88 && x < 95))
		return send_act(g, LQ_ACT_DOWNLOAD, at, "marketing", PICK(r, downloads[lang]),
				NULL, campaign, 0, -1);
	if (conv == CONV_WEBINAR || (x >= 85 && x < 88)) {
		mins = (int)rng_range(r, 12, 58);
		snprintf(g->b_detail, sizeof(g->b_detail), attended[lang], mins);
		return send_act(g, LQ_ACT_WEBINAR, at, "marketing", PICK(r, webinars[lang]),
				g->b_detail, campaign, mins * 60, -1);
	}
	if (conv == CONV_CLICK || (x >= 75 && x < 85)) {
		pg = &PICK(r, pages[lang]);
		snprintf(g->b_detail, sizeof(g->b_detail), SITE "%s", pg->path);
		return send_act(g, LQ_ACT_EMAIL_CLICK, at, "marketing", PICK(r, subjects[lang]),
				g->b_detail, campaign, 0, -1);
	}
	if (x >= 55 && x < 75)
		return send_act(g, LQ_ACT_EMAIL_OPEN, at, "marketing", PICK(r, subjects[lang]),
				NULL, campaign, 0, -1);
	pg = &PICK(r, pages[lang]);
	snprintf(g->b_subject, sizeof(g->b_subject), SITE "%s", pg->path);
	snprintf(g->b_detail, sizeof(g->b_detail), "%s | Example SaaS", pg->title);
	return send_act(g, LQ_ACT_PAGE_VIEW, at, "marketing", g->b_subject, g->b_detail, NULL,
			(int)rng_range(r, 4, rng_permille(r, 800) ? 180 : 900), -1);
}

static int lead_activities(struct gen *g, const struct rep *owner, enum source src)
{
	struct rng *r = &g->rng;
	int e = g->o->events_per_lead, lo = e / 2, n, rc;
	lq_time mql = g->lead.mql_at, conv_at, span, start, slot;
	enum conv conv;
	char arrow[64];

	memcpy(g->act.lead_id, g->lead.id, LQ_UUID_SIZE);
	n = e > 0 ? (int)rng_range(r, lo, 2 * e - lo) : 0;
	if (n > 0) {
		/* Visits spread over days and weeks, then the event that made the MQL. */
		conv_at = mql - rng_range(r, LQ_MINUTE, 20 * LQ_MINUTE);
		span = rng_range(r, LQ_DAY, 45 * LQ_DAY);
		start = conv_at - span;
		slot = n > 1 ? span / (n - 1) : span;
		for (int i = 0; i < n - 1; i++) {
			lq_time at = start + slot * i + rng_range(r, 0, slot > 1 ? slot - 1 : 0);

			at = waking_hours(g, at);
			rc = behaviour_event(g, at < conv_at ? at : conv_at - 1, -1,
					     rng_permille(r, 500) ? g->lead.campaign : NULL);
			if (rc)
				return rc;
		}
		conv = src == SRC_CONTENT ? CONV_DOWNLOAD : src == SRC_WEBINAR ? CONV_WEBINAR :
		       src == SRC_COLD ? CONV_CLICK : CONV_FORM;
		rc = behaviour_event(g, conv_at, (int)conv, g->lead.campaign);
		if (rc)
			return rc;
	}
	/* A pool lead is the first team's, with no owner yet. */
	rc = send_act(g, LQ_ACT_ASSIGNMENT, mql, "system",
		      owner ? owner->name : g->teams[0].name,
		      g->teams[owner ? owner->team : 0].name, NULL, 0, -1);
	if (rc)
		return rc;
	for (int i = 0; owner && i < g->ntouches; i++) {
		const struct touch *t = &g->touches[i];
		enum lq_activity_kind kind = t->kind == LQ_TOUCH_EMAIL ? LQ_ACT_EMAIL :
					     t->kind == LQ_TOUCH_MEETING ? LQ_ACT_MEETING :
					     LQ_ACT_CALL;
		const char *subject = kind == LQ_ACT_EMAIL ? PICK(r, touch_mails[g->lang]) :
				      g->lead.phone;
		const char *detail = t->outcome == LQ_OUTCOME_CONNECTED ?
				     PICK(r, call_notes[g->lang]) : NULL;

		rc = send_act(g, kind, t->at, owner->id, subject, detail, NULL, t->duration_s,
			      (int)t->outcome);
		if (rc)
			return rc;
	}
	for (int i = 0; owner && i < g->nchanges; i++) {
		const struct change *c = &g->changes[i];

		snprintf(arrow, sizeof(arrow), "%s → %s", lq_status_wire(c->from),
			 lq_status_wire(c->to));
		rc = send_act(g, LQ_ACT_STATUS_CHANGE, c->at, owner->id, arrow,
			      c->reason ? c->reason : c->detail[0] ? c->detail : NULL, NULL, 0, -1);
		if (rc)
			return rc;
	}
	return 0;
}

static int one_lead(struct gen *g, int index)
{
	struct rng *r = &g->rng;
	struct lq_lead *l = &g->lead;
	bool pool = index >= 3 && in_pool(g, index);
	int owner_ix = index < 3 || pool ? 0 : pick_owner(g);
	const struct rep *owner = &g->reps[owner_ix];
	const struct team_rec *tr = &g->teams[owner->team];
	enum source src;
	int rc;

	lq_lead_init(l);
	gen_uuid(g, false, l->id);
	snprintf(g->b_ext, sizeof(g->b_ext), "ma-%07d", index + 1);
	l->external_id = g->b_ext;
	memcpy(g->b_owner, owner->id, LQ_UUID_SIZE);
	memcpy(g->b_team, tr->id, LQ_UUID_SIZE);
	l->owner_id = pool ? NULL : g->b_owner;
	l->team_id = g->b_team;
	make_identity(g, &tmpls[tr->tmpl]);
	make_score(g);
	src = (enum source)rng_weighted(r, source_weight, SRC_COUNT);
	l->source = (char *)source_wire[src];
	make_timeline(g, index, tr);
	make_campaign(g, src, l->mql_at, g->b_campaign, sizeof(g->b_campaign));
	l->campaign = g->b_campaign;
	l->version = 1;

	if (g->sink->lead) {
		rc = g->sink->lead(g->sink->ctx, l);
		if (rc)
			return rc;
	}
	return lead_activities(g, pool ? NULL : owner, src);
}

/* ---- the run ---------------------------------------------------------------------- */

int lq_seed_run(const struct lq_seed_opts *o, const struct lq_seed_sink *sink)
{
	struct gen *g;
	int rc = 0, nusers;

	if (!o || !sink || o->leads < 0 || o->reps < 1 || o->events_per_lead < 0)
		return LQ_SEED_EINVAL;
	g = lq_calloc(1, sizeof(*g));
	if (!g)
		return LQ_SEED_ENOMEM;
	g->o = o;
	g->sink = sink;
	rng_seed(&g->rng, o->seed);
	g->id_ms = o->now > 0 ? (uint64_t)o->now * 1000u : 0;
	lq_reasons_default(&g->reasons);
	g->act.outcome = -1;
	g->nreps = o->reps;
	g->nteams = lq_seed_team_count(o->reps);
	nusers = o->reps + g->nteams + 2;
	g->teams = lq_calloc((size_t)g->nteams, sizeof(*g->teams));
	g->reps = lq_calloc((size_t)g->nreps, sizeof(*g->reps));
	g->cum_capacity = lq_calloc((size_t)g->nreps, sizeof(*g->cum_capacity));
	g->logins = lq_calloc((size_t)nusers, sizeof(*g->logins));
	g->login_slots = 64;
	while (g->login_slots < (size_t)nusers * 2)
		g->login_slots *= 2;
	g->login_set = lq_calloc(g->login_slots, sizeof(*g->login_set));
	if (!g->teams || !g->reps || !g->cum_capacity || !g->logins || !g->login_set) {
		rc = LQ_SEED_ENOMEM;
		goto out;
	}
	rc = emit_teams(g);
	if (!rc)
		rc = emit_users(g);
	for (int i = 0; !rc && i < o->leads; i++)
		rc = one_lead(g, i);
out:
	lq_free(g->teams);
	lq_free(g->reps);
	lq_free(g->cum_capacity);
	lq_free(g->logins);
	lq_free(g->login_set);
	lq_free(g);
	return rc;
}
